import { useState } from 'react'
import type { Chapter } from '../../../lib/shared-queries.ts'

interface ChapterPictureProps {
  chapter: Chapter
  onRedraw: () => void
  redrawing: boolean
}

/** The picture in a box of reserved size: a placeholder while it is drawn, "Draw again" if it failed. */
export function ChapterPicture({ chapter, onRedraw, redrawing }: ChapterPictureProps) {
  const [loaded, setLoaded] = useState(false)
  if (chapter.image_url)
    return (
      <div className="picture">
        <img
          className={loaded ? 'fade-in loaded' : 'fade-in'}
          src={chapter.image_url}
          // the WebP sizes: a phone loads the 512-wide one, not the original PNG
          srcSet={chapter.image_srcset ?? undefined}
          sizes="(min-width: 48rem) 40rem, 100vw"
          alt={`Illustration for “${chapter.title}”`}
          width={1024}
          height={1024}
          loading="lazy"
          decoding="async"
          onLoad={() => setLoaded(true)}
        />
      </div>
    )
  if (chapter.image_status === 'failed')
    return (
      <div className="picture picture-placeholder">
        <p>The picture could not be drawn.</p>
        <button type="button" className="button" onClick={onRedraw} disabled={redrawing}>
          Draw again
        </button>
      </div>
    )
  return (
    <div className="picture picture-placeholder" role="status">
      <p>Drawing the picture…</p>
    </div>
  )
}
