import type { ImgHTMLAttributes } from 'react'

interface ThumbnailProps extends Pick<ImgHTMLAttributes<HTMLImageElement>, 'className' | 'onLoad'> {
  src: string
  /** the picture's WebP variants, as the API answers them */
  srcSet: string | null | undefined
}

/** A small square picture beside a line of text (a cover, a chapter's picture), loaded when near. */
export function Thumbnail({ src, srcSet, className = 'thumb', onLoad }: ThumbnailProps) {
  return (
    <img
      src={src}
      srcSet={srcSet ?? undefined}
      sizes="96px"
      alt=""
      width={96}
      height={96}
      loading="lazy"
      className={className}
      onLoad={onLoad}
    />
  )
}
