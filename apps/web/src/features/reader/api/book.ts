import { useMutation } from '@tanstack/react-query'
import { api, unwrap } from '../../../lib/api-client.ts'

export type BookFormat = 'pdf' | 'epub'

/** The file name the API gave (RFC 5987's filename* first), or a plain one. */
function fileNameOf(disposition: string | null, format: BookFormat) {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1]
  if (encoded) {
    try {
      return decodeURIComponent(encoded)
    } catch {
      // fall through to the ASCII name
    }
  }
  return /filename="([^"]+)"/i.exec(disposition ?? '')?.[1] ?? `story.${format}`
}

/**
 * "Download PDF" and "Download EPUB": fetched with the bearer token (a plain link cannot send it),
 * then saved through a temporary object URL under the name the API gave.
 */
export function useBookDownload(storyId: string) {
  return useMutation({
    mutationFn: async (format: BookFormat) => {
      const params = { params: { path: { story_id: storyId } }, parseAs: 'blob' as const }
      const call =
        format === 'pdf'
          ? api.GET('/api/stories/{story_id}/book.pdf', params)
          : api.GET('/api/stories/{story_id}/book.epub', params)
      const answer = await call
      const blob = (await unwrap(Promise.resolve(answer))) as unknown as Blob
      const url = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = url
      link.download = fileNameOf(answer.response.headers.get('content-disposition'), format)
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    },
  })
}
