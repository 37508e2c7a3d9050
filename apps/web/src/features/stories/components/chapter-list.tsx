import { useState } from 'react'
import { Thumbnail } from '../../../components/thumbnail.tsx'
import type { Chapter } from '../../../lib/shared-queries.ts'

function ChapterPicture({ chapter }: { chapter: Chapter }) {
  const [loaded, setLoaded] = useState(false)
  if (!chapter.image_url)
    return <span className="thumb thumb-pending">{chapter.image_status === 'failed' ? 'No picture' : 'Drawing…'}</span>
  return (
    <Thumbnail
      className={loaded ? 'thumb fade-in loaded' : 'thumb fade-in'}
      src={chapter.image_url}
      srcSet={chapter.image_srcset}
      onLoad={() => setLoaded(true)}
    />
  )
}

/** The chapters written so far, each with its picture as soon as it is drawn. */
export function ChapterList({ chapters }: { chapters: Chapter[] }) {
  if (chapters.length === 0) return <p>The first chapter is on its way…</p>
  return (
    <ol className="chapter-list" aria-label="Chapters written so far">
      {chapters.map((chapter) => (
        <li key={chapter.number}>
          <ChapterPicture chapter={chapter} />
          <span>
            Chapter {chapter.number}: {chapter.title}
          </span>
        </li>
      ))}
    </ol>
  )
}
