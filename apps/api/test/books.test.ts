import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type Db, sql } from '@dreamify/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aChild, buildTestApp, expectErrorShape, signUp } from '../../../test/support/api.ts'
import { epubcheck, epubFile, pdfText, renderPdf } from '../../../test/support/books.ts'
import { createTestDatabase } from '../../../test/support/database.ts'
import { storeTestImage } from '../../../test/support/images.ts'
import type { App } from '../src/app.ts'

let app: App
let db: Db
beforeAll(async () => {
  ;({ db } = await createTestDatabase())
  app = await buildTestApp(db)
})
afterAll(() => app?.close())

const PICTURE = readFileSync(new URL('../../../fixtures/images/scene-cloud-kingdom.png', import.meta.url))
const CHAPTERS = [
  {
    title: 'The Lantern in the Hill',
    text: 'Far away, where the hills fold like blankets, Mia found a lantern glowing softly in the grass.',
  },
  {
    title: 'A Path of Fireflies',
    text: 'The fireflies gathered around her and drew a path of tiny lights toward the sleeping forest.',
  },
  {
    title: 'Goodnight, Forest',
    text: 'Mia whispered goodnight to every tree, and the forest whispered back as she drifted to sleep.',
  },
]

/** A story written straight to the database: completed or still running, chapter 2's picture failed. */
async function aStory(parentId: string, childId: string, status: 'completed' | 'running', title = 'The Lantern Story') {
  const storyId = randomUUID()
  const jobId = randomUUID()
  await sql`
    with story as (
      insert into stories (id, parent_id, child_id, topic, story_genre, image_style, chapters_total, job_id, title, completed_at)
      values (${storyId}, ${parentId}, ${childId}, 'a lantern', 'Fantasy', 'Watercolor', 3, ${jobId}, ${title},
        ${status === 'completed' ? new Date() : null})
      returning id
    )
    insert into jobs (id, parent_id, kind, story_id, status, stage, percent, chapters_total)
    select ${jobId}, ${parentId}, 'story', id, ${status}, ${status === 'completed' ? 'done' : 'illustrating'},
      ${status === 'completed' ? 100 : 60}, 3 from story`.execute(db)
  for (const [index, chapter] of CHAPTERS.entries()) {
    const failed = index === 1
    const image = failed
      ? null
      : await storeTestImage(db, {
          parent_id: parentId,
          child_id: childId,
          story_id: storyId,
          content_type: 'image/png',
          bytes: PICTURE,
        })
    await db
      .insertInto('chapters')
      .values({
        story_id: storyId,
        number: index + 1,
        title: chapter.title,
        content: `${chapter.text}\n\n${chapter.text}`,
        image_status: failed ? 'failed' : 'ready',
        image_id: image?.id ?? null,
        image_error_code: failed ? 'CONTENT_FLAGGED' : null,
      })
      .execute()
  }
  return storyId
}

async function aFamilyWithAToken(name: string) {
  const parent = await signUp(app, name)
  const created = await app.inject({ method: 'POST', url: '/api/children', headers: parent.headers, payload: aChild })
  return { ...parent, childId: created.json().child.id as string, childName: aChild.name }
}

/** epubcheck starts a JVM: on a busy machine it takes far longer than the default 30 s. */
const EPUBCHECK_TIMEOUT_MS = 180_000

const flat = (text: string) => text.replace(/\s+/g, ' ')

describe('GET /api/stories/:story_id/book.pdf', () => {
  it('answers the picture book: every page renders, the cover and every chapter are in its text', async () => {
    const family = await aFamilyWithAToken('Pdf')
    const storyId = await aStory(family.parentId, family.childId, 'completed', 'Mia’s Lantern: «Goodnight»')
    const response = await app.inject({ url: `/api/stories/${storyId}/book.pdf`, headers: family.headers })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="Mias-Lantern-Goodnight.pdf"; filename*=UTF-8''Mia%E2%80%99s%20Lantern%20%C2%ABGoodnight%C2%BB.pdf`,
    )
    const pdf = response.rawPayload
    const { pages, rendered } = await renderPdf(pdf)
    expect(pages).toBeGreaterThanOrEqual(4)
    expect(rendered).toBe(pages)
    const text = flat(await pdfText(pdf))
    expect(text).toContain(`A bedtime story for ${family.childName}`)
    for (const chapter of CHAPTERS) {
      expect(text).toContain(chapter.title)
      expect(text).toContain(chapter.text.split(' ').slice(0, 6).join(' '))
    }
  })
})

describe('GET /api/stories/:story_id/book.epub', () => {
  it(
    'answers an EPUB that passes epubcheck, the failed picture left out',
    async () => {
      const family = await aFamilyWithAToken('Epub')
      const storyId = await aStory(family.parentId, family.childId, 'completed')
      const response = await app.inject({ url: `/api/stories/${storyId}/book.epub`, headers: family.headers })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('application/epub+zip')
      expect(response.headers['content-disposition']).toMatch(
        /^attachment; filename="The-Lantern-Story\.epub"; filename\*=/,
      )
      const epub = response.rawPayload
      const check = await epubcheck(epub)
      expect({ errors: check.errors, fatals: check.fatals }).toEqual({ errors: 0, fatals: 0 })
      const opf = await epubFile(epub, 'EPUB/package.opf')
      expect(opf).toContain('<dc:language>en</dc:language>')
      expect(opf).toContain('page-progression-direction="ltr"')
      expect(await epubFile(epub, 'EPUB/chapter-1.xhtml')).toContain('<img')
      const second = await epubFile(epub, 'EPUB/chapter-2.xhtml')
      expect(second).toContain(CHAPTERS[1]!.title)
      expect(second).not.toContain('<img')
    },
    EPUBCHECK_TIMEOUT_MS,
  )
})

describe.each(['pdf', 'epub'])('GET /api/stories/:story_id/book.%s refuses', (format) => {
  it('a story that is still running with 409', async () => {
    const family = await aFamilyWithAToken('Running')
    const storyId = await aStory(family.parentId, family.childId, 'running')
    const response = await app.inject({ url: `/api/stories/${storyId}/book.${format}`, headers: family.headers })
    expect(response.statusCode).toBe(409)
    expect(expectErrorShape(response.json(), 409, 'CONFLICT').message).toContain('completed')
  })

  it("another parent's story with 404, like a missing one, and no token with 401", async () => {
    const owner = await aFamilyWithAToken('Owner')
    const other = await aFamilyWithAToken('Other')
    const storyId = await aStory(owner.parentId, owner.childId, 'completed')
    const theirs = await app.inject({ url: `/api/stories/${storyId}/book.${format}`, headers: other.headers })
    expect(theirs.statusCode).toBe(404)
    expectErrorShape(theirs.json(), 404, 'NOT_FOUND')
    const missing = await app.inject({ url: `/api/stories/${randomUUID()}/book.${format}`, headers: other.headers })
    expect(missing.json()).toEqual(theirs.json())
    const anonymous = await app.inject({ url: `/api/stories/${storyId}/book.${format}` })
    expect(anonymous.statusCode).toBe(401)
  })
})
