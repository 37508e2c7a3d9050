import type { ChildRow } from '@dreamify/db'
import type { ImageUrlSigner } from '../lib/image-urls.ts'

/** A child as the API shows it: no parent id, and the avatar as a signed URL. */
export function childView(row: ChildRow, images: ImageUrlSigner) {
  const { parent_id: _parent, avatar_image_id, ...fields } = row
  return { ...fields, avatar_url: avatar_image_id ? images.url(avatar_image_id) : null }
}
