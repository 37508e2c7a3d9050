import type { ChildRow } from '@dreamify/db'
import type { ImageLinks } from '../lib/image-urls.ts'

/** A child as the API shows it: no parent id, and the avatar's URLs. */
export function childView(row: ChildRow, images: ImageLinks) {
  const { parent_id: _parent, avatar_image_id, ...fields } = row
  return {
    ...fields,
    avatar_url: avatar_image_id ? images.url(avatar_image_id) : null,
    avatar_srcset: avatar_image_id ? images.srcset(avatar_image_id) : null,
  }
}
