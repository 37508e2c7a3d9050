import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

// The keepsakes checked by their own tools: Debian's poppler-utils and epubcheck (.ci/run installs them).

const run = promisify(execFile)
const EPUBCHECK_JAR = '/usr/share/java/epubcheck.jar'

async function inTemporaryFolder<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dreamify-book-'))
  try {
    return await work(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Poppler's text of the whole PDF, without the directional marks pdftotext adds around right-to-left lines. */
export const pdfText = (pdf: Buffer) =>
  inTemporaryFolder(async (dir) => {
    await writeFile(join(dir, 'book.pdf'), pdf)
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'book.pdf'), '-'], { maxBuffer: 1 << 26 })
    return stdout.replace(/[\u200e\u200f\u202a-\u202e]/g, '').replace(/[ \t]+/g, ' ')
  })

/** Renders every page with pdftoppm; answers the pages' count (from pdfinfo) and how many rendered to a non-empty PNG. */
export const renderPdf = (pdf: Buffer) =>
  inTemporaryFolder(async (dir) => {
    await writeFile(join(dir, 'book.pdf'), pdf)
    const { stdout } = await run('pdfinfo', [join(dir, 'book.pdf')])
    const pages = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? 0)
    await run('pdftoppm', ['-r', '30', '-png', join(dir, 'book.pdf'), join(dir, 'page')])
    const files = (await readdir(dir)).filter((name) => name.startsWith('page') && name.endsWith('.png'))
    const sizes = await Promise.all(files.map(async (name) => (await stat(join(dir, name))).size))
    return { pages, rendered: sizes.filter((size) => size > 0).length, fonts: await pdfFonts(join(dir, 'book.pdf')) }
  })

async function pdfFonts(path: string) {
  const { stdout } = await run('pdffonts', [path])
  // name type... emb sub uni: every font must be embedded
  return stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => ({
      name: line.split(/\s+/)[0]!,
      embedded: /\syes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.test(line),
    }))
}

/** epubcheck's messages about the EPUB, and its count of errors and fatals. */
export const epubcheck = (epub: Buffer) =>
  inTemporaryFolder(async (dir) => {
    await writeFile(join(dir, 'book.epub'), epub)
    const result = await run('java', ['-jar', EPUBCHECK_JAR, join(dir, 'book.epub')]).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    )
    const output = `${result.stdout}\n${result.stderr}`
    const counts = /Messages: (\d+) fatals? \/ (\d+) errors?/.exec(output)
    return {
      output,
      fatals: counts ? Number(counts[1]) : Number.NaN,
      errors: counts ? Number(counts[2]) : Number.NaN,
    }
  })

/** One file of an EPUB (a zip), read by unzip. */
export const epubFile = (epub: Buffer, name: string) =>
  inTemporaryFolder(async (dir) => {
    await writeFile(join(dir, 'book.epub'), epub)
    const { stdout } = await run('unzip', ['-p', join(dir, 'book.epub'), name], { maxBuffer: 1 << 26 })
    return stdout
  })

/** The entries of an EPUB, in zip order. */
export const epubEntries = (epub: Buffer) =>
  inTemporaryFolder(async (dir) => {
    await writeFile(join(dir, 'book.epub'), epub)
    const { stdout } = await run('unzip', ['-Z1', join(dir, 'book.epub')])
    return stdout.split('\n').filter(Boolean)
  })
