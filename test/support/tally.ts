import { type Db, sql } from '@dreamify/db'

export interface Tally {
  requested: number
  completed: number
  failed: Record<string, number>
  lost: number
  duplicated: number
}

/**
 * What became of a batch of stories, from Postgres: finished how, lost (never finished), and
 * duplicated (a chapter written twice, or an image stored that no chapter uses).
 */
export async function tallyStories(db: Db, storyIds: string[]): Promise<Tally> {
  const tally: Tally = { requested: storyIds.length, completed: 0, failed: {}, lost: 0, duplicated: 0 }
  if (storyIds.length === 0) return tally
  const rows = await db
    .selectFrom('stories')
    .innerJoin('jobs', 'jobs.id', 'stories.job_id')
    .select(['stories.id', 'stories.chapters_total', 'jobs.status', 'jobs.error_code'])
    .select((eb) => [
      eb
        .selectFrom('chapters')
        .whereRef('chapters.story_id', '=', 'stories.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('chapters'),
      eb
        .selectFrom('chapters')
        .whereRef('chapters.story_id', '=', 'stories.id')
        .select(sql<number>`count(distinct number)::int`.as('n'))
        .as('distinct_chapters'),
      eb
        .selectFrom('images')
        .whereRef('images.story_id', '=', 'stories.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('images'),
      eb
        .selectFrom('chapters')
        .whereRef('chapters.story_id', '=', 'stories.id')
        .where('image_id', 'is not', null)
        .select(sql<number>`count(*)::int`.as('n'))
        .as('images_used'),
    ])
    .where('stories.id', 'in', storyIds)
    .execute()
  tally.lost = storyIds.length - rows.length
  for (const row of rows) {
    if (row.status === 'completed') tally.completed++
    else if (row.status === 'failed')
      tally.failed[row.error_code ?? 'unknown'] = (tally.failed[row.error_code ?? 'unknown'] ?? 0) + 1
    else tally.lost++
    if (
      row.chapters !== row.distinct_chapters ||
      (row.chapters ?? 0) > row.chapters_total ||
      row.images !== row.images_used
    )
      tally.duplicated++
  }
  return tally
}

export function printTally(name: string, tally: Tally) {
  const failed = Object.values(tally.failed).reduce((a, b) => a + b, 0)
  const codes = Object.entries(tally.failed)
    .map(([code, n]) => `${code}=${n}`)
    .join(' ')
  console.log(
    `[${name}] requested ${tally.requested}, completed ${tally.completed}, failed ${failed}${codes ? ` (${codes})` : ''}, lost ${tally.lost}, duplicated ${tally.duplicated}`,
  )
}
