// ./dreamify demo: one story from sign-up to a finished HTML book, against a running API.
//
// Registers a demo parent, adds a child, asks for a story, shows its progress on one line while
// the workers write and draw it, then writes the story with its pictures inlined to one HTML file
// and prints that file's absolute path as the last line of stdout.
//
//   DREAMIFY_API_URL         the API (default http://localhost:3000)
//   DREAMIFY_DEMO_OUT        the directory for the HTML file (default: where ./dreamify was run)
//   DREAMIFY_DEMO_TIMEOUT_MS how long to wait for the story (default 15 minutes)
//
// Exit codes: 0 done, 1 an API call failed, 2 the API cannot be reached, 3 the story failed or was
// cancelled, 4 the story did not finish in time.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { DemoClient, DemoError, describeAnswer, EXIT, unreachable } from './demo/api.ts'
import { renderStoryHtml, toDataUri } from './demo/html.ts'
import { fitToWidth, formatElapsed, type ProgressState, progressLine } from './demo/progress.ts'

const POLL_MS = 500
/** how often a plain (non-terminal) output prints a progress line */
const PLAIN_EVERY_MS = 3_000
/** consecutive failed polls (the API restarting, say) before giving up */
const MAX_POLL_FAILURES = 20

const CHILD = {
  name: 'Luna',
  age_range: '4-6',
  sex: 'Female',
  eye_color: 'Brown',
  hair_type: 'Curly',
  hair_color: 'Black',
  ethnicity: 'Brazilian',
  fav_animals: 'owls and sea turtles',
  fav_activities: 'stargazing and painting',
  fav_shows: null,
}
const STORY = {
  topic: 'a shy little owl who is afraid of the dark',
  story_genre: 'Adventure',
  image_style: 'Watercolor',
}

const FINISHED = new Set(['completed', 'failed', 'cancelled'])

function positiveNumber(value: string | undefined, fallback: number): number {
  const n = Number(value)
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback
}

/** The progress display: redrawn in place on a terminal, a line every few seconds otherwise. */
function createDisplay(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true
  let lastPlain = -Infinity
  let lastStage = ''
  let drawn = false
  return {
    update(state: ProgressState, force = false) {
      if (tty) {
        out.write(`\r${fitToWidth(progressLine(state), out.columns)}\x1b[K`)
        drawn = true
        return
      }
      const now = Date.now()
      if (force || state.stage !== lastStage || now - lastPlain >= PLAIN_EVERY_MS) {
        out.write(`${progressLine(state, { ascii: true })}\n`)
        lastPlain = now
        lastStage = state.stage
      }
    },
    /** Ends the redrawn line so that what follows starts on a line of its own. */
    done() {
      if (tty && drawn) out.write('\n')
      drawn = false
    },
  }
}

async function main(): Promise<string> {
  const base = (process.env.DREAMIFY_API_URL || 'http://localhost:3000').replace(/\/+$/, '')
  const outDir = resolve(process.env.DREAMIFY_DEMO_OUT || process.env.DREAMIFY_CALLER_DIR || process.cwd())
  const timeoutMs = positiveNumber(process.env.DREAMIFY_DEMO_TIMEOUT_MS, 15 * 60_000)
  const api = new DemoClient(base)
  const log = (line: string) => process.stdout.write(`${line}\n`)

  // 1. Is anything there, and is it Dreamify?
  const live = await api.request('GET', '/health/live')
  if (live.status !== 200 || live.json?.status !== 'ok') {
    throw new DemoError(
      `dreamify demo: ${base} answered ${describeAnswer(live)} to /health/live; is it the Dreamify API? Start it with \`./dreamify start\`.`,
      EXIT.unreachable,
    )
  }
  const ready = await api.request('GET', '/health/ready')
  if (ready.status !== 200) {
    const down = Object.entries((ready.json?.checks ?? {}) as Record<string, { status: string }>)
      .filter(([, check]) => check.status !== 'up')
      .map(([name]) => name)
    process.stderr.write(
      `dreamify demo: warning: the API at ${base} is not ready${down.length ? ` (${down.join(', ')} down)` : ''}; trying anyway\n`,
    )
  }
  log(`Dreamify demo against ${base}`)

  // 2. A parent, signed in.
  const email = `demo-${Date.now()}-${randomBytes(4).toString('hex')}@example.com`
  const password = randomBytes(12).toString('base64url')
  await api.expect('registering the demo parent', 201, 'POST', '/api/auth/register', {
    first_name: 'Demo',
    last_name: 'Parent',
    email,
    password,
  })
  const login = await api.expect('signing in', 200, 'POST', '/api/auth/login', { email, password })
  api.token = login.access_token
  log(`Signed up as ${email}`)

  // 3. A child, and a story for them.
  const { child } = await api.expect('adding the child', 201, 'POST', '/api/children', CHILD)
  log(`Added ${child.name} (${CHILD.age_range}, loves ${CHILD.fav_animals})`)
  const accepted = await api.expect('requesting the story', 202, 'POST', '/api/stories', {
    child_id: child.id,
    ...STORY,
  })
  const storyId: string = accepted.story_id
  const jobId: string = accepted.job_id
  log(`Requested "${STORY.topic}" (${STORY.story_genre}, ${STORY.image_style}): story ${storyId}, job ${jobId}`)

  // 4. Poll until it is finished.
  const display = createDisplay(process.stdout)
  const started = Date.now()
  process.once('SIGINT', () => {
    display.done()
    process.stderr.write(`dreamify demo: stopped watching; the story goes on in the background (story ${storyId})\n`)
    process.exit(130)
  })
  let job: any
  let chaptersWritten = 0
  let failures = 0
  for (;;) {
    try {
      const [jobAnswer, storyAnswer] = await Promise.all([
        api.request('GET', `/api/jobs/${jobId}`),
        api.request('GET', `/api/stories/${storyId}`),
      ])
      if (jobAnswer.status !== 200)
        throw new DemoError(`dreamify demo: polling the job failed: ${describeAnswer(jobAnswer)}`)
      job = jobAnswer.json
      if (storyAnswer.status === 200 && Array.isArray(storyAnswer.json?.chapters))
        chaptersWritten = storyAnswer.json.chapters.length
      failures = 0
    } catch (error) {
      if (!(error instanceof DemoError) || error.exitCode !== EXIT.unreachable || ++failures >= MAX_POLL_FAILURES) {
        display.done()
        throw error
      }
    }
    if (job) {
      const progress = job.progress ?? {}
      const finished = FINISHED.has(job.status)
      display.update(
        {
          stage: finished && job.status !== 'completed' ? job.status : String(progress.stage ?? job.status),
          percent: Number(progress.percent ?? 0),
          chaptersTotal: Number(progress.chapters_total ?? 0),
          // the job counts written chapters (an outlined story writes them all at once); older APIs do not
          chaptersWritten: Number(progress.chapters_written ?? chaptersWritten),
          chaptersIllustrated: Number(progress.chapters_illustrated ?? 0),
          elapsedMs: Date.now() - started,
        },
        finished,
      )
      if (finished) break
    }
    if (Date.now() - started > timeoutMs) {
      display.done()
      throw new DemoError(
        `dreamify demo: the story did not finish within ${formatElapsed(timeoutMs)} (job ${jobId} is ${job?.status ?? 'unknown'}); are workers running? \`./dreamify start\` runs one`,
        EXIT.timedOut,
      )
    }
    await sleep(POLL_MS)
  }
  display.done()
  const elapsed = formatElapsed(Date.now() - started)

  if (job.status !== 'completed') {
    const reason = job.error ? `${job.error.code}: ${job.error.message}` : job.status
    throw new DemoError(
      `dreamify demo: the story ${job.status === 'cancelled' ? 'was cancelled' : 'failed'} after ${elapsed}: ${reason}`,
      EXIT.storyFailed,
    )
  }

  // 5. The finished story, its pictures inlined, as one HTML file.
  const story = await api.expect('fetching the story', 200, 'GET', `/api/stories/${storyId}`)
  const images = new Map<number, string>()
  await Promise.all(
    (story.chapters as Array<{ number: number; image_url: string | null }>).map(async (chapter) => {
      if (!chapter.image_url) return
      const { bytes, contentType } = await api.image(chapter.image_url)
      const uri = toDataUri(bytes, contentType)
      if (uri) images.set(chapter.number, uri)
    }),
  )
  const html = renderStoryHtml({ ...story, child_name: child.name }, images)
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, `dreamify-story-${String(story.story_id).replace(/[^A-Za-z0-9-]/g, '')}.html`)
  writeFileSync(file, html)
  const missing = story.chapters.length - images.size
  log(
    `"${story.title}": ${story.chapters.length} chapters, ${images.size} illustrations${missing ? ` (${missing} without a picture)` : ''}, in ${elapsed}`,
  )
  return file
}

try {
  const file = await main()
  // The last line of stdout, for scripts: the file's absolute path.
  process.stdout.write(`${file}\n`)
  process.exitCode = 0
} catch (error) {
  if (error instanceof DemoError) {
    process.stderr.write(`${error.message}\n`)
    process.exitCode = error.exitCode
  } else if (error instanceof TypeError && /fetch failed/.test(error.message)) {
    process.stderr.write(`${unreachable(process.env.DREAMIFY_API_URL || 'http://localhost:3000', error).message}\n`)
    process.exitCode = EXIT.unreachable
  } else {
    process.stderr.write(`dreamify demo: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = EXIT.failed
  }
}
