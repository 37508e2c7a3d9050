// 10. books: the keepsakes of a 5-chapter story with 1024² pictures: how long the PDF and the EPUB
// take to build, and the memory the build takes, each format in a process of its own.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import type { Figure, Outcome } from './report.ts'
import { type BenchContext, percentile, ROOT, round } from './support/index.ts'

const run = promisify(execFile)
const RUNS = 7
const TIME_TARGET_MS = 1000
const MEMORY_TARGET_MIB = 100
const MiB = 1024 * 1024
const SCENES = ['moonlit-forest', 'seaside-sunset', 'clockwork-city', 'cloud-kingdom', 'meadow-morning']

/**
 * A fixture scene (1024², a palette PNG) as a generated picture comes from an image API: RGBA, with
 * grain, which is what makes such a PNG large and the PDF's work heavy.
 */
async function picture(name: string, seed: number) {
  const { data, info } = await sharp(join(ROOT, 'fixtures/images', `scene-${name}.png`))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  let state = seed
  for (let i = 0; i < data.length; i++) {
    if (i % 4 === 3) continue
    state = (state * 1103515245 + 12345) >>> 0
    data[i] = Math.max(0, Math.min(255, data[i]! + ((state >>> 24) % 13) - 6))
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer()
}

interface BuildReport {
  times: number[]
  /** CPU time of each build, in ms: on a busy machine, what the build itself cost */
  cpu: number[]
  size: number
  imageBytes: number
  rssBefore: number
  peakRss: number
}

export async function books({ log }: BenchContext): Promise<Outcome> {
  const dir = await mkdtemp(join(tmpdir(), 'dreamify-bench-books-'))
  try {
    for (let i = 1; i <= 5; i++) await writeFile(join(dir, `${i}.png`), await picture(SCENES[i - 1]!, i))
    const figures: Figure[] = []
    const notes: string[] = []
    for (const format of ['pdf', 'epub'] as const) {
      const { stdout } = await run(
        process.execPath,
        ['--expose-gc', join(ROOT, 'bench/books-build.ts'), format, dir, String(RUNS)],
        { cwd: ROOT, maxBuffer: 1 << 20 },
      )
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as BuildReport
      const [cold, ...warm] = report.times
      const median = percentile(warm, 50)
      const slowest = Math.max(...warm)
      const grew = (report.peakRss - report.rssBefore) / MiB
      log(
        `  ${format}: first ${round(cold!, 0)} ms, then median ${round(median, 0)} ms; peak RSS +${round(grew, 1)} MiB`,
      )
      const name = format.toUpperCase()
      figures.push(
        {
          label: `${name} build, median of ${warm.length}`,
          value: round(median, 0),
          unit: 'ms',
          target: `< ${TIME_TARGET_MS} ms`,
          pass: median < TIME_TARGET_MS,
        },
        { label: `${name} build, slowest`, value: round(slowest, 0), unit: 'ms' },
        { label: `${name} build, CPU time, median`, value: round(percentile(report.cpu.slice(1), 50), 0), unit: 'ms' },
        { label: `${name} build, first in the process`, value: round(cold!, 0), unit: 'ms' },
        {
          label: `${name} build, peak memory`,
          value: round(grew, 1),
          unit: 'MiB',
          target: `< ${MEMORY_TARGET_MIB} MiB`,
          pass: grew < MEMORY_TARGET_MIB,
        },
        { label: `${name} size`, value: round(report.size / MiB, 2), unit: 'MiB' },
      )
      notes.push(
        `${name}: the process held ${round(report.rssBefore / MiB, 1)} MiB before building (Node, the modules, the fonts, the pictures: ${round(report.imageBytes / MiB, 2)} MiB of PNG) and at most ${round(report.peakRss / MiB, 1)} MiB while building ${RUNS} times; the peak memory figure is the difference.`,
      )
    }
    return {
      setup: `A 5-chapter story of about 2,000 words with a 1024² RGBA PNG per chapter (the fixture scenes as RGBA, with grain), built ${RUNS} times per format in a process of its own by packages/books (the builders the API's routes call, without the database read). The first build in a process also loads the fonts and warms the code; the median is of the others.`,
      figures,
      notes,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
