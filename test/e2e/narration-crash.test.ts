import { aStory, readMp3 } from '@dreamify/testkit'
import { describe, expect, it } from 'vitest'
import { ApiClient, documentedFetch } from '../support/client.ts'
import { createTestDatabase } from '../support/database.ts'
import { startApi, startWorker, waitFor } from '../support/processes.ts'
import { createTestPrefix } from '../support/queues.ts'

// Narration with the offline provider (eSpeak NG, no network), and a worker SIGKILLed while it
// narrates: its narration jobs go to a survivor, and every chapter ends narrated exactly once.
describe('narration with the fixtures provider, through a worker crash', () => {
  it('narrates every chapter once into playable MP3s, 0 lost and 0 duplicated, when a worker is SIGKILLed', async () => {
    const { url, db } = await createTestDatabase()
    const prefix = createTestPrefix()
    const env = {
      DATABASE_URL: url,
      QUEUE_PREFIX: prefix,
      GENERATION_PROVIDER: 'fixtures',
      FIXTURES_TEXT_MS: '300',
      FIXTURES_IMAGE_MS: '100',
      // each narration takes a while, so the kill lands while some are in flight
      FIXTURES_SPEECH_MS: '1500',
      SPEECH_CONCURRENCY: '2',
      STORIES_IN_FLIGHT_PER_PARENT: '0',
      STORIES_PER_DAY_PER_PARENT: '0',
    }
    const api = await startApi(env)
    const victim = await startWorker(env)
    const client = await new ApiClient(api.url).signUp('Crash')
    const { child } = await client.addChild()
    const storyIds: string[] = []
    for (const topic of ['a sleepy owl']) {
      const response = await client.request('POST', '/api/stories', {
        ...aStory(child.id, topic),
        narration: { voice: 'fable' },
      })
      expect(response.status).toBe(202)
      storyIds.push(response.json.story_id)
    }
    const narrated = async () => {
      const { rows } = await db
        .selectFrom('chapters')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('story_id', 'in', storyIds)
        .where('audio_status', '=', 'ready')
        .execute()
        .then((r) => ({ rows: r }))
      return Number(rows[0]!.n)
    }
    await waitFor('a narration to be stored', async () => (await narrated()) >= 1, { timeoutMs: 60_000 })
    expect(await narrated()).toBeLessThan(5)
    await victim.stop('SIGKILL')
    const survivor = await startWorker(env)
    await waitFor(
      'the story to finish',
      async () => {
        for (const id of storyIds) {
          const { json } = await client.request('GET', `/api/stories/${id}`)
          if (json.status !== 'completed') return false
        }
        return true
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    )

    for (const id of storyIds) {
      const story = (await client.request('GET', `/api/stories/${id}`)).json
      expect(story.audio_status).toBe('ready')
      const job = (await client.request('GET', `/api/jobs/${story.job_id}`)).json
      expect(job.progress).toMatchObject({ chapters_total: 5, chapters_narrated: 5, chapters_illustrated: 5 })
      for (const chapter of story.chapters) {
        const response = await documentedFetch(`${api.url}${chapter.audio_url}`)
        expect(response.status).toBe(200)
        expect(response.headers.get('content-type')).toBe('audio/mpeg')
        // real speech: seconds of it, one unbroken run of MP3 frames
        expect(readMp3(Buffer.from(await response.arrayBuffer())).seconds).toBeGreaterThan(5)
      }
    }
    // 0 lost: every chapter narrated; 0 duplicated: one settled audio object per chapter, and the
    // counters say exactly five.
    const settled = await db
      .selectFrom('media_objects')
      .select(['story_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('story_id', 'in', storyIds)
      .where('kind', '=', 'audio')
      .where('settled_at', 'is not', null)
      .groupBy('story_id')
      .execute()
    expect(settled.map((row) => Number(row.n))).toEqual([5])
    const jobs = await db
      .selectFrom('jobs')
      .select(['narrations_settled', 'chapters_narrated'])
      .where('story_id', 'in', storyIds)
      .where('kind', '=', 'story')
      .execute()
    expect(jobs).toEqual([{ narrations_settled: 5, chapters_narrated: 5 }])
    expect(await survivor.stop('SIGTERM')).toBe(0)
    await api.stop('SIGTERM')
  }, 240_000)
})
