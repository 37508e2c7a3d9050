// media (issue 16): API CPU per image view with MEDIA_STORE=postgres against s3, the pipeline's
// stories/s on s3 against the bench's local S3 server, and the bytes a phone downloads to read a
// whole story before and after the variants.
import { performance } from 'node:perf_hooks'
import { startS3Server } from '@dreamify/testkit'
import type { Figure, Outcome } from './report.ts'
import {
  ApiClient,
  type BenchContext,
  cpuTicksOf,
  postStories,
  round,
  sleep,
  startApi,
  startWorker,
  stopAll,
  TICK_MS,
} from './support/index.ts'

const VIEWS = 2000
const VIEW_CONCURRENCY = 8
const STORIES = 60

type Pool = BenchContext['pool']

async function completedStories(pool: Pool, jobIds: string[]): Promise<number> {
  const { rows } = await pool.query(`select count(*)::int as n from jobs where id = any($1) and status = 'completed'`, [
    jobIds,
  ])
  return rows[0].n
}

/** Posts STORIES stories and waits for them all: stories per second, first post to last completion. */
async function pipelineRate(client: ApiClient, pool: Pool): Promise<number> {
  const t0 = performance.now()
  const jobIds = await postStories([client], STORIES, 8)
  const deadline = Date.now() + 300_000
  while ((await completedStories(pool, jobIds)) < STORIES) {
    if (Date.now() > deadline) throw new Error('the stories did not complete within 300 s')
    await sleep(100)
  }
  return STORIES / ((performance.now() - t0) / 1000)
}

/** Fetches every URL VIEWS times in all, VIEW_CONCURRENCY at a time; returns the API's CPU ms per view. */
async function viewCost(apiPid: number, urls: string[]): Promise<number> {
  const before = cpuTicksOf(apiPid)
  let next = 0
  await Promise.all(
    Array.from({ length: VIEW_CONCURRENCY }, async () => {
      while (next < VIEWS) {
        const url = urls[next++ % urls.length]!
        const answer = await fetch(url)
        if (answer.status !== 200) throw new Error(`GET ${url}: ${answer.status}`)
        await answer.arrayBuffer()
      }
    }),
  )
  return ((cpuTicksOf(apiPid) - before) * TICK_MS) / VIEWS
}

async function storyUrls(client: ApiClient, apiUrl: string, storyId: string) {
  // the variants come a moment after the story (the image-variants step)
  const story = (await client.parent.storyWithVariants(storyId)) as {
    chapters: Array<{ image_url: string; image_srcset: string | null }>
  }
  const absolute = (url: string) => (url.startsWith('/') ? `${apiUrl}${url}` : url)
  return {
    originals: story.chapters.map((c) => absolute(c.image_url)),
    variants: story.chapters.map((c) => absolute(c.image_srcset!.split(', ').at(-1)!.split(' ')[0]!)),
    small: story.chapters.map((c) => absolute(c.image_srcset!.split(', ')[0]!.split(' ')[0]!)),
  }
}

/** Bytes a phone downloads to read one story (a 390-pt phone at 3× needs 1,170 px: the srcset's largest). */
async function storyBytes(urls: string[]): Promise<number> {
  let bytes = 0
  for (const url of urls) bytes += (await (await fetch(url)).arrayBuffer()).byteLength
  return bytes
}

export async function media({ pool, prefix, log }: BenchContext): Promise<Outcome> {
  const s3 = await startS3Server()
  const figures: Figure[] = []
  const notes: string[] = []
  try {
    const base = { QUEUE_PREFIX: prefix, FIXTURES_TEXT_MS: '0', FIXTURES_IMAGE_MS: '0' }
    const measure = async (store: 'postgres' | 's3') => {
      const env = store === 's3' ? { ...base, ...s3.env } : { ...base, MEDIA_STORE: 'postgres' }
      const api = await startApi(env)
      const worker = await startWorker(env)
      try {
        const client = await new ApiClient(api.url).setUp(`Media${store}`)
        log(`${store}: ${STORIES} stories end to end`)
        const rate = await pipelineRate(client, pool)
        const { rows } = await pool.query(
          `select s.id from stories s join jobs j on j.id = s.job_id where j.status = 'completed' and s.parent_id = (select parent_id from children where id = $1) limit 1`,
          [client.childId],
        )
        const urls = await storyUrls(client, api.url, rows[0].id)
        log(`${store}: ${VIEWS} image views`)
        const cpuPerView = await viewCost(api.pid, urls.variants)
        return { rate, cpuPerView, urls }
      } finally {
        await stopAll([worker, api])
      }
    }
    const postgres = await measure('postgres')
    const onS3 = await measure('s3')
    figures.push(
      { label: 'API CPU per image view, MEDIA_STORE=postgres', value: postgres.cpuPerView, unit: 'ms', digits: 3 },
      {
        label: 'API CPU per image view, MEDIA_STORE=s3 (the browser fetches from the store)',
        value: onS3.cpuPerView,
        unit: 'ms',
        digits: 3,
        target: '< 10% of postgres',
        pass: onS3.cpuPerView < postgres.cpuPerView * 0.1,
      },
      { label: 'pipeline, MEDIA_STORE=postgres', value: round(postgres.rate, 1), unit: 'stories/s', digits: 1 },
      {
        label: 'pipeline, MEDIA_STORE=s3 (local s3rver behind the SigV4 proxy)',
        value: round(onS3.rate, 1),
        unit: 'stories/s',
        digits: 1,
      },
    )
    const before = await storyBytes(onS3.urls.originals)
    const large = await storyBytes(onS3.urls.variants)
    const small = await storyBytes(onS3.urls.small)
    figures.push(
      {
        label: 'bytes per story, the five originals (1024² PNG), as a phone loaded them before',
        value: round(before / 1024, 0),
        unit: 'KiB',
      },
      {
        label: 'bytes per story, a 2× or 3× phone now (WebP 1024 from the srcset)',
        value: round(large / 1024, 0),
        unit: 'KiB',
        target: '≤ 50% of the originals',
        pass: large <= before * 0.5,
      },
      {
        label: 'bytes per story, a 1× screen or the library covers (WebP 512)',
        value: round(small / 1024, 0),
        unit: 'KiB',
      },
    )
    notes.push(
      `Image views: ${VIEWS} GETs, ${VIEW_CONCURRENCY} at a time, of one story's five variant URLs; API CPU from /proc (utime+stime) over the views. With s3 the URLs are the store's presigned ones, so the API does nothing per view; its cost moves to presigning when it answers a story (cached per key and TTL bucket).`,
      "The pictures are the fixtures provider's (SVG scenes rendered at 1024², the provider's size); drawings with more detail compress less, in both formats.",
    )
    return {
      setup: `The API and one worker (fixtures provider at zero latency) on MEDIA_STORE=postgres, then on s3 against the test kit's S3 server (s3rver behind a proxy that checks every SigV4 signature), ${STORIES} stories each.`,
      figures,
      notes,
    }
  } finally {
    await s3.stop()
  }
}
