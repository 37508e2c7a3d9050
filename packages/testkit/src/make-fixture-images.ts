/** Regenerates fixtures/images/*.png: `node packages/testkit/src/make-fixture-images.ts [outDir]`. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixturesDir } from './fixtures.ts'
import { FIXTURE_PICTURE_NAMES, renderFixturePng } from './scenes/index.ts'

export async function makeFixtureImages(
  outDir: string = join(fixturesDir, 'images'),
): Promise<Array<{ file: string; bytes: number }>> {
  mkdirSync(outDir, { recursive: true })
  const written: Array<{ file: string; bytes: number }> = []
  for (const name of FIXTURE_PICTURE_NAMES) {
    const png = await renderFixturePng(name)
    const file = join(outDir, `${name}.png`)
    writeFileSync(file, png)
    written.push({ file, bytes: png.length })
  }
  return written
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = await makeFixtureImages(process.argv[2])
  for (const { file, bytes } of written) console.log(`${file}\t${(bytes / 1024).toFixed(1)} KB`)
  console.log(`total\t${(written.reduce((sum, w) => sum + w.bytes, 0) / 1024).toFixed(1)} KB`)
}
