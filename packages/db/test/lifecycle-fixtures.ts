import { randomUUID } from 'node:crypto'
import { aFamily } from '../../../test/support/families.ts'
import { type Db, type SettlingChapter, storyRepository } from '../src/index.ts'

export { aFamily }

/** A story of `chapters` chapters and its queued job, as POST /api/stories makes them. */
export async function aStory(db: Db, chapters = 3) {
  const { parentId, childId } = await aFamily(db)
  const story = { id: randomUUID(), job_id: randomUUID() }
  const created = await storyRepository.createWithJob(db, {
    ...story,
    parent_id: parentId,
    child_id: childId,
    topic: 'a lost red balloon',
    story_genre: 'Adventure',
    image_style: 'Watercolor',
    chapters_total: chapters,
  })
  if (!created) throw new Error('story not created')
  const chapter = (number: number): SettlingChapter => ({
    story_id: story.id,
    number,
    parent_id: parentId,
    child_id: childId,
  })
  return { storyId: story.id, jobId: story.job_id, parentId, childId, chapters, chapter }
}

export const written = (number: number) => ({ number, title: `Chapter ${number}`, content: `Text of ${number}.` })
export const drawn = { image: { content_type: 'image/png', byte_size: 5, keys: [] as string[] } }
export const failedDrawing = { failed: true } as const

export async function jobOf(db: Db, jobId: string) {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow()
}

export async function chaptersOf(db: Db, storyId: string) {
  return db
    .selectFrom('chapters')
    .select(['number', 'image_status', 'image_id'])
    .where('story_id', '=', storyId)
    .orderBy('number')
    .execute()
}

export async function imagesOfStory(db: Db, storyId: string): Promise<number> {
  const row = await db
    .selectFrom('images')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('story_id', '=', storyId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
