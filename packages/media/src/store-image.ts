import { extensionOf, folderOf, mediaObjectKey } from './keys.ts'
import type { MediaStore } from './types.ts'
import { makeVariants } from './variants.ts'

/** An image's owners, as its media objects record them. */
interface ImageOwners {
  parentId: string
  childId: string
  storyId?: string | null
}

export interface ImageToStore extends ImageOwners {
  bytes: Buffer
  contentType: string
  /** the picture's folder (mediaFolders): its original and, later, its variants are stored in it */
  folder: string
}

/** What the settle records of a stored picture; its keys are the original's alone until its variants are made. */
export interface StoredPicture {
  content_type: string
  byte_size: number
  keys: [original: string]
}

/**
 * Stores a drawn picture's original as it came, under its deterministic key (recorded unsettled).
 * Returns what the settle records: a retried step stores the same key again, overwriting, and
 * settles once. Nothing is decoded here: the image-variants step (storeVariants) reads the picture
 * after the settle, for its variants and its width, so that sharp never holds up the story.
 */
export async function storeImage(store: MediaStore, image: ImageToStore): Promise<StoredPicture> {
  const key = mediaObjectKey(image.folder, 'original', extensionOf(image.contentType))
  await store.put({ ...ownersOf(image), key, contentType: image.contentType, bytes: image.bytes })
  return { content_type: image.contentType, byte_size: image.bytes.length, keys: [key] }
}

export interface StoredOriginal extends ImageOwners {
  /** the original's key: each variant is stored beside it, in its folder */
  key: string
  bytes: Buffer
}

/** What storeVariants made of a picture: its variants' keys, and the original's width as sharp read it. */
export interface StoredVariants {
  keys: string[]
  originalWidth: number | null
}

/**
 * Makes a settled picture's WebP variants and stores each beside its original (recorded unsettled,
 * for `imageRepository.settleVariants`, which also records the original's width). No variants and
 * no width for a picture sharp cannot read, whose original still serves alone. Deterministic keys,
 * so a retry overwrites.
 */
export async function storeVariants(store: MediaStore, original: StoredOriginal): Promise<StoredVariants> {
  const made = await makeVariants(original.bytes).catch(() => undefined)
  const keys: string[] = []
  for (const variant of made?.variants ?? []) {
    const key = mediaObjectKey(folderOf(original.key), variant.name, 'webp')
    await store.put({
      ...ownersOf(original),
      key,
      contentType: variant.contentType,
      bytes: variant.bytes,
      variant: variant.name,
      width: variant.width,
    })
    keys.push(key)
  }
  return { keys, originalWidth: made?.original.width ?? null }
}

function ownersOf(image: ImageOwners) {
  return { kind: 'image' as const, parentId: image.parentId, childId: image.childId, storyId: image.storyId ?? null }
}
