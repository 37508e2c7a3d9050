import { ErrorNotice } from '../../../components/notices.tsx'
import { type BookFormat, useBookDownload } from '../api/book.ts'

const FORMATS: { format: BookFormat; name: string }[] = [
  { format: 'pdf', name: 'PDF' },
  { format: 'epub', name: 'EPUB' },
]

/** The finished story to keep: a PDF picture book and an EPUB. */
export function BookDownloads({ storyId }: { storyId: string }) {
  const download = useBookDownload(storyId)
  const busy = download.isPending ? download.variables : null
  return (
    <section className="book-downloads" aria-label="Keep this story">
      {FORMATS.map(({ format, name }) => (
        <button
          key={format}
          type="button"
          className="button button-quiet"
          disabled={busy !== null}
          onClick={() => download.mutate(format)}
        >
          {busy === format ? `Preparing the ${name}…` : `Download ${name}`}
        </button>
      ))}
      <ErrorNotice error={download.error} />
    </section>
  )
}
