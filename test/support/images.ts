import { type Db, mediaRepository } from '@dreamify/db'
import { sha256Hex } from '@dreamify/media'

/** An image stored as a worker stores one with MEDIA_STORE=postgres: its record, and its original's object. */
export async function storeTestImage(
  db: Db,
  image: { parent_id: string; child_id: string; story_id: string | null; content_type: string; bytes: Buffer },
): Promise<{ id: string }> {
  const { bytes, ...row } = image
  const saved = await db
    .insertInto('images')
    .values({ ...row, byte_size: bytes.length })
    .returning('id')
    .executeTakeFirstOrThrow()
  const key = `images/${saved.id}/original.${image.content_type.split('/')[1]}`
  await mediaRepository.record(db, {
    key,
    kind: 'image',
    content_type: image.content_type,
    byte_size: bytes.length,
    checksum: sha256Hex(bytes),
    parent_id: image.parent_id,
    child_id: image.child_id,
    story_id: image.story_id,
    store: 'postgres',
    bytes,
  })
  await mediaRepository.settle(db, [key], saved.id)
  return saved
}
