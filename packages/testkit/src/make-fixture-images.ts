/** Regenerates fixtures/images/*.png: `node packages/testkit/src/make-fixture-images.ts [outDir]`. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixturesDir } from './fixtures.ts'
import { FIXTURE_PICTURE_NAMES, renderFixturePng } from './scenes/index.ts'

export function makeFixtureImages(
  outDir: string = join(fixturesDir, 'images'),
): Array<{ file: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true })
  return FIXTURE_PICTURE_NAMES.map((name) => {
    const png = renderFixturePng(name)
    const file = join(outDir, `${name}.png`)
    writeFileSync(file, png)
    return { file, bytes: png.length }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { file, bytes } of makeFixtureImages(process.argv[2])) {
    console.log(`${file}\t${(bytes / 1024).toFixed(1)} KB`)
  }
}
