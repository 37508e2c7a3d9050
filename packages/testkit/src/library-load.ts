import { createHash } from 'node:crypto'

// Many stories, fast: SQL that bulk-loads libraries with generate_series, for the plan tests
// (packages/db/test/hot-read-plans.test.ts) and the scale benchmark (bench/scale.ts). Ids are
// derived from the row's number (md5 as uuid), so callers can name the rows they read.

export interface LibraryLoad {
  /** parents, one child each */
  parents: number
  /** stories of every child but the first */
  storiesPerChild: number
  /** stories of the first parent's child: the one large library */
  largeLibrary: number
  /** chapters of every story (number 1 is the library's cover) */
  chaptersPerStory: number
}

/** The id the SQL below gives a row: Postgres' md5(seed)::uuid. */
function bulkId(seed: string): string {
  const hex = createHash('md5').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The statements, in order. Every story has a completed job; the large library's parent also has
 * two unfinished ones, so the in-flight count reads something. Each story is a second older than
 * the one before it. Run ANALYZE afterwards (the last statement does).
 */
export function libraryLoadStatements(load: LibraryLoad): string[] {
  const storyCount = `case when c.n = 1 then ${load.largeLibrary} else ${load.storiesPerChild} end`
  return [
    `insert into parents (id, first_name, last_name, email, password_hash)
     select md5('bulk-parent-' || n)::uuid, 'Bulk', 'Parent', 'bulk-' || n || '@example.com', 'not a hash'
     from generate_series(1, ${load.parents}) n`,
    `insert into children (id, parent_id, name, age_range, sex, eye_color, hair_type, hair_color, ethnicity)
     select md5('bulk-child-' || n)::uuid, md5('bulk-parent-' || n)::uuid, 'Child', '4-6', 'Female', 'Green', 'Curly', 'Red', 'any'
     from generate_series(1, ${load.parents}) n`,
    `with c as (
       select n, md5('bulk-child-' || n)::uuid as id, md5('bulk-parent-' || n)::uuid as parent_id
       from generate_series(1, ${load.parents}) n
     ), s as (
       insert into stories (id, parent_id, child_id, topic, story_genre, image_style, chapters_total, job_id, title, created_at)
       select md5('bulk-story-' || c.n || '-' || g)::uuid, c.parent_id, c.id, 'a topic', 'Fantasy', 'Cartoon',
         ${load.chaptersPerStory}, 'bulk-job-' || c.n || '-' || g, 'A title', timestamptz '2026-06-01' - g * interval '1 second'
       from c cross join lateral generate_series(1, ${storyCount}) g
       returning id, parent_id, job_id
     )
     insert into jobs (id, parent_id, kind, story_id, status, stage, percent, chapters_total, chapters_illustrated, chapters_settled)
     select job_id, parent_id, 'story', id, 'completed', 'done', 100, ${load.chaptersPerStory}, ${load.chaptersPerStory}, ${load.chaptersPerStory}
     from s`,
    `insert into jobs (id, parent_id, kind, story_id, status, stage, chapters_total)
     select 'bulk-job-unfinished-' || g, md5('bulk-parent-1')::uuid, 'story', md5('bulk-story-1-' || g)::uuid, 'running', 'writing', ${load.chaptersPerStory}
     from generate_series(1, 2) g`,
    `insert into chapters (story_id, number, title, content, image_status)
     select s.id, n, 'A chapter', 'Once upon a time.', 'ready'
     from stories s cross join generate_series(1, ${load.chaptersPerStory}) n`,
    'analyze',
  ]
}

/** The large library's rows: its parent, its child, and its newest story with that story's job. */
export const largeLibrary = {
  parentId: bulkId('bulk-parent-1'),
  childId: bulkId('bulk-child-1'),
  storyId: bulkId('bulk-story-1-1'),
  jobId: 'bulk-job-1-1',
}
