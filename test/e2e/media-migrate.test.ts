import type { Db } from '@dreamify/db'
import { mediaRepository } from '@dreamify/db'
import { sha256Hex } from '@dreamify/media'
import { startS3Server, type TestS3Server, waitFor } from '@dreamify/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startProcess, startWorker } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// `./dreamify media migrate --to s3` on a database whose stories were made with MEDIA_STORE=postgres.
let db: Db
let s3: TestS3Server
let env: Record<string, string>
let client: ApiClient
const storyIds: string[] = []

beforeAll(async () => {
  const database = await createTestDatabase()
  db = database.db
  s3 = await startS3Server()
  env = {
    DATABASE_URL: database.url,
    QUEUE_PREFIX: createTestPrefix(),
    GENERATION_PROVIDER: 'fixtures',
    FIXTURES_TEXT_MS: '200',
    FIXTURES_IMAGE_MS: '50',
    STORIES_IN_FLIGHT_PER_PARENT: '0',
  }
  const api = await startApi(env)
  const worker = await startWorker(env)
  client = await new ApiClient(api.url).signUp('Migrator')
  const { child, avatar_job_id } = await client.addChild()
  for (const topic of ['a paper boat', 'a sleepy owl']) {
    const { json } = await client.requestStory(child.id, topic)
    expect((await client.pollJob(json.job_id)).final.status).toBe('completed')
    storyIds.push(json.story_id)
  }
  await client.pollJob(avatar_job_id)
  // the variants are made after each picture settles
  await waitFor("every picture's variants", async () => {
    const awaiting = await db.selectFrom('images').select('id').where('variants_made_at', 'is', null).execute()
    return awaiting.length === 0
  })
  await Promise.all([api.stop('SIGTERM'), worker.stop('SIGTERM')])
}, 90_000)
afterAll(() => s3?.stop())

const migrateArgs = ['migrate', '--to', 's3']

describe('media migrate --to s3', () => {
  it('moves every object, resuming after being killed part way, verifying checksums before freeing Postgres', async () => {
    const before = await mediaRepository.countByStore(db)
    // two stories of five chapters (the original, 512 and 1024 variants each), and the avatar's three
    expect(before).toEqual({ postgres: 33, s3: 0 })
    const checksums = new Map(
      (await db.selectFrom('media_objects').select(['key', 'checksum']).execute()).map((r) => [r.key, r.checksum]),
    )

    // Killed with SIGKILL as its 7th upload lands: nothing half-moved, nothing lost.
    let uploads = 0
    const first = startProcessWith(migrateArgs)
    s3.onUploaded = async () => {
      if (++uploads === 7) await first.stop('SIGKILL')
    }
    await first.exited
    s3.onUploaded = undefined
    const interrupted = await mediaRepository.countByStore(db)
    expect(interrupted.postgres).toBeGreaterThan(0)
    expect(interrupted.s3).toBeGreaterThanOrEqual(1)
    expect(interrupted.s3).toBeLessThan(7)
    expect(interrupted.postgres + interrupted.s3).toBe(33)

    const second = startProcessWith(migrateArgs)
    expect(await second.exited).toBe(0)
    expect(second.output()).toMatch(/\[#{30}\] 33\/33 objects \(100%\)/)
    expect(await mediaRepository.countByStore(db)).toEqual({ postgres: 0, s3: 33 })
    const rows = await db.selectFrom('media_objects').select(['key', 'bytes']).execute()
    expect(rows.every((row) => row.bytes === null)).toBe(true)
    expect(s3.keys()).toEqual([...checksums.keys()].sort())

    // Idempotent: a third run finds nothing to do.
    const third = startProcessWith(migrateArgs)
    expect(await third.exited).toBe(0)
    expect(third.output()).toContain('nothing to move: all 33 objects are in s3')

    // The API on s3 serves the moved pictures by presigned URLs, byte for byte.
    const api = await startApi({ ...env, ...s3.env })
    const reader = new ApiClient(api.url)
    reader.token = client.token
    const story = (await reader.request('GET', `/api/stories/${storyIds[0]}`)).json
    for (const chapter of story.chapters) {
      expect(chapter.image_url.startsWith(s3.endpoint)).toBe(true)
      const bytes = Buffer.from(await (await fetch(chapter.image_url)).arrayBuffer())
      const key = decodeURIComponent(new URL(chapter.image_url).pathname).replace(`/${s3.bucket}/`, '')
      expect(sha256Hex(bytes)).toBe(checksums.get(key))
    }
  }, 90_000)
})

// The command runs beside services still on postgres: it needs only the S3_* settings.
function startProcessWith(args: string[]) {
  return startProcess('scripts/media.ts', { ...env, ...s3.env, MEDIA_STORE: 'postgres' }, args)
}
