import { type Db, mediaRepository } from '@dreamify/db'
import type { MediaStores } from '@dreamify/media'

/** The URLs of the images in one answer: the original, its variants as a srcset, and the smallest. */
export interface ImageLinks {
  /** the original (PNG as drawn), for downloads and the PDF */
  url(imageId: string): string | null
  /** the WebP variants as an `<img srcset>` (`… 512w, … 1024w`), or null without variants */
  srcset(imageId: string): string | null
  /** the smallest variant (the library's cover), else the original */
  small(imageId: string): string | null
  /** a chapter's narration, by its media key (asked for with `audioKeys`) */
  audio(key: string): string | null
}

/**
 * Resolves the URLs of many images (and narrations) at once (one query for a whole story, library
 * page or list of children): each object's URL comes from the store its record names, a presigned GET for `s3`,
 * the API's signed media route for `postgres`; neither asks the store anything.
 */
export function createImageLinker(db: Db, media: Pick<MediaStores, 'byName'>) {
  return async function linksFor(
    imageIds: ReadonlyArray<string | null | undefined>,
    audioKeys: ReadonlyArray<string | null | undefined> = [],
  ): Promise<ImageLinks> {
    const ids = [...new Set(imageIds.filter((id): id is string => typeof id === 'string'))]
    const keys = [...new Set(audioKeys.filter((key): key is string => typeof key === 'string'))]
    const [objects, sounds] = await Promise.all([
      mediaRepository.objectsOfImages(db, ids),
      mediaRepository.storesOfKeys(db, keys),
    ])
    const audio = new Map(
      await Promise.all(sounds.map(async (s) => [s.key, await media.byName(s.store).url(s.key)] as const)),
    )
    const byImage = new Map<string, { original?: string; variants: Array<{ url: string; width: number }> }>()
    await Promise.all(
      objects.map(async (object) => {
        const url = await media.byName(object.store).url(object.key)
        const entry = byImage.get(object.image_id) ?? { variants: [] }
        byImage.set(object.image_id, entry)
        if (object.variant === 'original') entry.original = url
        else if (object.width !== null) entry.variants.push({ url, width: object.width })
      }),
    )
    for (const entry of byImage.values()) entry.variants.sort((a, b) => a.width - b.width)
    return {
      url: (id) => byImage.get(id)?.original ?? null,
      srcset: (id) => {
        const variants = byImage.get(id)?.variants ?? []
        return variants.length ? variants.map((v) => `${v.url} ${v.width}w`).join(', ') : null
      },
      small: (id) => {
        const entry = byImage.get(id)
        return entry?.variants[0]?.url ?? entry?.original ?? null
      },
      audio: (key) => audio.get(key) ?? null,
    }
  }
}

export type ImageLinker = ReturnType<typeof createImageLinker>
