import { extensionOf } from './keys.ts'
import type { MediaStore } from './types.ts'
import { makeVariants } from './variants.ts'

export interface ImageToStore {
  bytes: Buffer
  contentType: string
  parentId: string
  childId: string
  storyId?: string | null
  /** the deterministic key of each object: the variant's name (`original`, `w512`) and extension */
  keyOf: (variant: string, extension: string) => string
}

/**
 * Stores a drawn picture: the original as it came, then its WebP variants, each under its
 * deterministic key (recorded unsettled). Returns what the settle records: a retried step stores
 * the same keys again, overwriting, and settles once.
 */
export async function storeImage(store: MediaStore, image: ImageToStore) {
  // A picture sharp cannot read is kept as it came, without variants (its original still serves).
  const { original, variants } = await makeVariants(image.bytes).catch(() => ({
    original: { width: null, height: null },
    variants: [],
  }))
  const common = {
    kind: 'image' as const,
    parentId: image.parentId,
    childId: image.childId,
    storyId: image.storyId ?? null,
  }
  const originalKey = image.keyOf('original', extensionOf(image.contentType))
  await store.put({
    ...common,
    key: originalKey,
    contentType: image.contentType,
    bytes: image.bytes,
    width: original.width,
  })
  const keys = [originalKey]
  for (const variant of variants) {
    const key = image.keyOf(variant.name, 'webp')
    await store.put({
      ...common,
      key,
      contentType: variant.contentType,
      bytes: variant.bytes,
      variant: variant.name,
      width: variant.width,
    })
    keys.push(key)
  }
  return { content_type: image.contentType, byte_size: image.bytes.length, keys }
}
