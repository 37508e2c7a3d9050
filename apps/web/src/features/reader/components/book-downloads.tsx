import { ErrorNotice } from '../../../components/notices.tsx'
import { useBookDownload } from '../api/book.ts'

/** The finished story to keep: a PDF picture book and an EPUB. */
export function BookDownloads({ storyId }: { storyId: string }) {
  const download = useBookDownload(storyId)
  const busy = download.isPending ? download.variables : null
  return (
    <section className="book-downloads" aria-label="Keep this story">
      <button
        type="button"
        className="button button-quiet"
        disabled={busy !== null}
        onClick={() => download.mutate('pdf')}
      >
        {busy === 'pdf' ? 'Preparing the PDF…' : 'Download PDF'}
      </button>
      <button
        type="button"
        className="button button-quiet"
        disabled={busy !== null}
        onClick={() => download.mutate('epub')}
      >
        {busy === 'epub' ? 'Preparing the EPUB…' : 'Download EPUB'}
      </button>
      <ErrorNotice error={download.error} />
    </section>
  )
}
