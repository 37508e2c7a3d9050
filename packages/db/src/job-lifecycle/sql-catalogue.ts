import {
  type Compilable,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely'
import type { Db } from '../database.ts'
import { insertJobDecisions } from '../moderation.ts'
import type { Database } from '../schema.ts'
import {
  findDrawnImageQuery,
  keepDrawnImageQuery,
  lockChildQuery,
  setAvatarQuery,
  settleAvatarObjectsQuery,
} from './avatar.ts'
import { recordChaptersWrittenQuery, settleChapterQuery } from './chapters.ts'
import { completeQuery } from './complete.ts'
import { cancelQuery, failQuery } from './finish.ts'
import { attachChapterAudioQuery, deleteAudioQuery, settleChapterAudioQuery } from './narration.ts'
import { recordChapterTextQuery, recordOutlineQuery } from './outline.ts'
import { attachChapterImageQuery, deleteImageQuery, lockChapterQuery, lockJobQuery } from './redraw.ts'
import { retryStoryQuery } from './retry.ts'
import { listStaleQuery, touchQuery } from './stale.ts'
import { startDrawingQuery, startStoryQuery } from './start.ts'

// Representative arguments: the SQL text does not depend on their values (they are parameters),
// only on their shape, such as how many chapters one write saves.
const JOB = 'job-1'
const STORY = '00000000-0000-4000-8000-000000000001'
const PARENT = '00000000-0000-4000-8000-000000000002'
const CHILD = '00000000-0000-4000-8000-000000000003'
const IMAGE = '00000000-0000-4000-8000-000000000004'
const picture = { content_type: 'image/png', byte_size: 3, keys: ['images/a/original.png', 'images/a/w512.webp'] }
const sound = { content_type: 'audio/mpeg', key: 'stories/a/chapters/3/job-1/audio.mp3' }
const chapter = { story_id: STORY, number: 3, parent_id: PARENT, child_id: CHILD }
const written = (number: number) => ({ number, title: `Chapter ${number}`, content: 'Once upon a time.' })

/** Compiles queries without a database: Kysely's Postgres compiler over a driver that connects to nothing. */
const offline: Db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

/** A statement's SQL, or the transition whose statement it runs as it is (kept in one snapshot only). */
export type LifecycleStatement = string | { sameAs: string }

// A transition that ends by completing its job runs the one complete statement.
const COMPLETES = { sameAs: 'complete' } as const

/**
 * Every statement each transition runs, by transition, in the order it runs them: what
 * packages/db/test/queries/<transition>.sql holds (packages/db/test/lifecycle-sql.test.ts compares).
 */
export function lifecycleSql(): Record<string, Record<string, LifecycleStatement>> {
  const statements = (queries: Record<string, Compilable | typeof COMPLETES>) =>
    Object.fromEntries(
      Object.entries(queries).map(([name, query]) => [name, 'sameAs' in query ? query : query.compile().sql]),
    )
  const raw = (query: { compile(db: Db): { sql: string } }) => ({ compile: () => query.compile(offline) }) as Compilable
  return {
    'start-story': statements({ startStory: raw(startStoryQuery(JOB)) }),
    'start-drawing': statements({ startDrawing: startDrawingQuery(offline, JOB) }),
    'chapters-written': statements({
      // one values row per chapter saved: three here (all at once), one while streaming
      'three chapters at once': recordChaptersWrittenQuery(offline, JOB, { id: STORY, chapters_total: 3 }, [
        written(1),
        written(2),
        written(3),
      ]),
    }),
    'outline-saved': statements({
      recordOutline: raw(
        recordOutlineQuery(offline, JOB, STORY, {
          title: 'A story',
          cast: [{ name: 'Mia', description: 'a girl with curly red hair' }],
          chapters: [{ title: 'Chapter 1', synopsis: 'It begins.', brief: 'Mia at her window.' }],
        }),
      ),
    }),
    'chapter-text-saved': statements({
      recordChapterText: raw(recordChapterTextQuery(offline, JOB, STORY, written(2))),
      'then, when it was the last': COMPLETES,
    }),
    'chapter-settled': statements({
      settleChapter: raw(settleChapterQuery(offline, JOB, chapter, { image: picture })),
      'then, when it was the last': COMPLETES,
    }),
    'chapter-narrated': statements({
      settleChapterAudio: raw(settleChapterAudioQuery(JOB, chapter, { audio: sound })),
      'then, when it was the last': COMPLETES,
    }),
    'narration-redone': statements({
      lockJob: lockJobQuery(offline, JOB),
      lockChapter: lockChapterQuery(offline, chapter, 'audio_key'),
      attachAudio: raw(attachChapterAudioQuery(chapter, sound)),
      deletePrevious: deleteAudioQuery(offline, sound.key),
      complete: COMPLETES,
    }),
    complete: statements({ complete: completeQuery(offline, JOB) }),
    fail: statements({ fail: failQuery(offline, JOB, { code: 'PROVIDER_UNAVAILABLE', message: 'down' }) }),
    cancel: statements({ cancel: cancelQuery(offline, JOB) }),
    retry: statements({
      retryStory: raw(retryStoryQuery({ story_id: STORY, parent_id: PARENT, job_id: JOB, chapters_total: 3 })),
    }),
    'redraw-settled': statements({
      lockJob: lockJobQuery(offline, JOB),
      lockChapter: lockChapterQuery(offline, chapter, 'image_id'),
      attachImage: raw(attachChapterImageQuery(chapter, picture)),
      deletePrevious: deleteImageQuery(offline, IMAGE),
      complete: COMPLETES,
    }),
    'avatar-settled': statements({
      'a retry looks for a kept picture': findDrawnImageQuery(offline, JOB),
      'a drawn picture is kept': keepDrawnImageQuery(offline, JOB, { parent_id: PARENT, child_id: CHILD, ...picture }),
      'its media objects are its own': raw(settleAvatarObjectsQuery(IMAGE, picture.keys)),
      lockChild: lockChildQuery(offline, CHILD),
      complete: COMPLETES,
      setAvatar: setAvatarQuery(offline, CHILD, IMAGE),
      'the checks that let it through': insertJobDecisions(offline, JOB, []),
      deletePrevious: deleteImageQuery(offline, IMAGE),
    }),
    reconciler: statements({
      listStale: listStaleQuery(offline, new Date(0), 100),
      touch: touchQuery(offline, JOB),
    }),
  }
}
