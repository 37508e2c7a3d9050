import { randomUUID } from 'node:crypto'
import { createLogger, QUEUES } from '@dreamify/core'
import { sql } from '@dreamify/db'
import { createMediaStores } from '@dreamify/media'
import { createLocalModerator } from '@dreamify/moderation'
import { describe, expect, it } from 'vitest'
import { testConfig } from '../../../test/support/api.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { aFamily, aFamilyWithAvatarJob } from '../../../test/support/families.ts'
import { createTestQueues } from '../../../test/support/queues.ts'
import { silentJobEvents } from '../src/events.ts'
import { startHousekeeping } from '../src/housekeeping.ts'
import { createFixturesProvider } from '../src/providers/fixtures.ts'
import { createSafetyScreen } from '../src/safety/screen.ts'
import { avatarStep } from '../src/steps/avatar.ts'
import type { StepContext } from '../src/steps/definition.ts'
import { imageVariantsStep } from '../src/steps/image-variants.ts'

// The image-variants step and its sweep, driven directly on real Postgres and Redis, with pictures
// drawn by the avatar step and the offline provider (1024² PNGs).
describe('the image-variants step', async () => {
  const { db } = await createTestDatabase()
  const { queues } = createTestQueues()
  const config = testConfig({ FIXTURES_IMAGE_MS: '0' })
  const stores = createMediaStores(db, config)
  const logger = createLogger('silent', 'test')
  const context: StepContext = {
    db,
    media: stores,
    provider: createFixturesProvider(config.generation.fixtures),
    safety: createSafetyScreen({ db, moderator: createLocalModerator() }),
    queues,
    config,
    logger,
    events: silentJobEvents,
    signal: new AbortController().signal,
    attempt: 1,
    storyFinished: () => {},
  }
  const variantsQueue = queues[QUEUES.imageVariants]

  /** A child whose avatar step has run: its settled picture, and the original's key. */
  async function anAvatar() {
    const { parentId, childId, jobId } = await aFamilyWithAvatarJob(db)
    await avatarStep.run({ jobId }, context)
    const { avatar_image_id } = await db
      .selectFrom('children')
      .select('avatar_image_id')
      .where('id', '=', childId)
      .executeTakeFirstOrThrow()
    const imageId = avatar_image_id!
    const { key } = await db
      .selectFrom('media_objects')
      .select('key')
      .where('image_id', '=', imageId)
      .where('variant', '=', 'original')
      .executeTakeFirstOrThrow()
    return { parentId, childId, imageId, originalKey: key }
  }

  const objectsOf = (imageId: string) =>
    db
      .selectFrom('media_objects')
      .select(['key', 'variant', 'width', 'content_type', 'settled_at'])
      .where('image_id', '=', imageId)
      .orderBy('key')
      .execute()
  const variantsMadeAt = async (imageId: string) =>
    (await db.selectFrom('images').select('variants_made_at').where('id', '=', imageId).executeTakeFirstOrThrow())
      .variants_made_at

  it('is queued by the step that settles a picture, which stores the original alone', async () => {
    const { imageId, originalKey } = await anAvatar()
    expect((await objectsOf(imageId)).map((o) => o.variant)).toEqual(['original'])
    expect(await variantsMadeAt(imageId)).toBeNull()
    const queued = await variantsQueue.getJob(`variants.${originalKey}`)
    expect(queued?.data).toEqual({ originalKey })
  })

  it('stores the WebP variants beside the original, settled as the image’s, once', async () => {
    const { imageId, originalKey } = await anAvatar()
    await imageVariantsStep.run({ originalKey }, context)
    const objects = await objectsOf(imageId)
    const base = originalKey.replace(/original\.png$/, '')
    expect(objects.map(({ key, variant, width, content_type }) => ({ key, variant, width, content_type }))).toEqual([
      { key: originalKey, variant: 'original', width: 1024, content_type: 'image/png' },
      { key: `${base}w1024.webp`, variant: 'w1024', width: 1024, content_type: 'image/webp' },
      { key: `${base}w512.webp`, variant: 'w512', width: 512, content_type: 'image/webp' },
    ])
    expect(objects.every((o) => o.settled_at !== null)).toBe(true)
    const madeAt = await variantsMadeAt(imageId)
    expect(madeAt).toBeInstanceOf(Date)
    // a retry, or a second copy of the job, finds the work done and writes nothing
    await imageVariantsStep.run({ originalKey }, context)
    expect(await variantsMadeAt(imageId)).toEqual(madeAt)
    expect(await objectsOf(imageId)).toEqual(objects)
  })

  it('marks a picture sharp cannot read done, without variants: its original serves alone', async () => {
    const { parentId, childId } = await aFamily(db)
    const imageId = randomUUID()
    const originalKey = `children/${childId}/avatars/broken/original.png`
    await db
      .insertInto('images')
      .values({ id: imageId, parent_id: parentId, child_id: childId, content_type: 'image/png', byte_size: 5 })
      .execute()
    await stores.store.put({
      key: originalKey,
      kind: 'image',
      contentType: 'image/png',
      bytes: Buffer.from('bytes'),
      parentId,
      childId,
    })
    await db
      .updateTable('media_objects')
      .set({ image_id: imageId, settled_at: new Date() })
      .where('key', '=', originalKey)
      .execute()
    await imageVariantsStep.run({ originalKey }, context)
    expect((await objectsOf(imageId)).map((o) => o.variant)).toEqual(['original'])
    expect(await variantsMadeAt(imageId)).toBeInstanceOf(Date)
  })

  it('does nothing for a picture deleted before its variants were made', async () => {
    const { imageId, originalKey } = await anAvatar()
    await db.updateTable('children').set({ avatar_image_id: null }).where('avatar_image_id', '=', imageId).execute()
    await db.deleteFrom('images').where('id', '=', imageId).execute()
    await imageVariantsStep.run({ originalKey }, context)
    const left = await db
      .selectFrom('media_objects')
      .select('key')
      .where('key', 'like', originalKey.replace(/original\.png$/, '%'))
      .execute()
    expect(left).toEqual([])
  })

  it('is queued again by the housekeeping when its job was lost, once the picture is overdue', async () => {
    const overdue = await anAvatar()
    const recent = await anAvatar()
    await variantsQueue.obliterate({ force: true })
    await sql`update images set created_at = now() - interval '10 minutes' where id = ${overdue.imageId}`.execute(db)
    const housekeeping = startHousekeeping({ db, logger, media: stores, queues, variantsOverdueSeconds: 120 })
    try {
      await housekeeping.tick()
    } finally {
      housekeeping.stop()
    }
    expect((await variantsQueue.getJob(`variants.${overdue.originalKey}`))?.data).toEqual({
      originalKey: overdue.originalKey,
    })
    expect(await variantsQueue.getJob(`variants.${recent.originalKey}`)).toBeUndefined()
    // once made, the sweep leaves it
    await imageVariantsStep.run({ originalKey: overdue.originalKey }, context)
    await variantsQueue.obliterate({ force: true })
    const again = startHousekeeping({ db, logger, media: stores, queues, variantsOverdueSeconds: 120 })
    try {
      await again.tick()
    } finally {
      again.stop()
    }
    expect(await variantsQueue.getJob(`variants.${overdue.originalKey}`)).toBeUndefined()
  })
})
