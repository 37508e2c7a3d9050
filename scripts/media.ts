// `./dreamify media migrate --to s3`: moves the images stored in Postgres to the s3 store (S3_* settings).
import { loadConfigOrExit } from '@dreamify/core'
import { createDatabase } from '@dreamify/db'
import { createMediaStores, type MigrationProgress, migrateMediaToS3 } from '@dreamify/media'

const USAGE = 'usage: ./dreamify media migrate --to s3'
const [command, flag, target] = process.argv.slice(2)
if (command !== 'migrate' || flag !== '--to' || target !== 's3') {
  console.error(USAGE)
  process.exit(2)
}
const config = loadConfigOrExit()
if (!config.media.s3) {
  console.error(
    'media migrate --to s3 needs the store: set S3_BUCKET (and S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE as the store needs)',
  )
  process.exit(2)
}
const db = createDatabase({ url: config.database.url, poolSize: 2 })
const stores = createMediaStores(db, config)
const s3 = stores.byName('s3')

const WIDTH = 30
const interactive = process.stderr.isTTY
let lastTenth = -1
function draw({ done, total, moved, bytes }: MigrationProgress, final = false) {
  const share = total === 0 ? 1 : done / total
  const filled = Math.round(share * WIDTH)
  const line = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} objects (${Math.round(share * 100)}%), ${moved} moved by this run, ${(bytes / 1048576).toFixed(1)} MiB`
  // On a terminal the bar redraws in place; in a log, one line per tenth, and the last.
  if (interactive) return void process.stderr.write(`\r${line}${final ? '\n' : ''}`)
  const tenth = Math.floor(share * 10)
  if (final || tenth !== lastTenth) process.stderr.write(`${line}\n`)
  lastTenth = tenth
}

try {
  await s3.check()
  const result = await migrateMediaToS3(db, s3, { onProgress: (progress) => draw(progress) })
  draw(result, true)
  console.log(
    result.moved === 0 && result.done === result.total
      ? `nothing to move: all ${result.total} objects are in s3`
      : `moved ${result.moved} objects to s3 (${result.done}/${result.total} there now); their Postgres bytes are freed`,
  )
} catch (error) {
  if (interactive) process.stderr.write('\n')
  console.error(
    `media migrate stopped: ${(error as Error).message}\nrun it again to resume: what was moved stays moved`,
  )
  process.exitCode = 1
} finally {
  await db.destroy()
}
