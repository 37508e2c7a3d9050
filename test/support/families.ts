import { randomUUID } from 'node:crypto'
import { type Db, jobRepository, sql } from '@dreamify/db'

// Parents and children written straight to the test file's database (no API in between).

export async function aParent(db: Db): Promise<string> {
  const parentId = randomUUID()
  await sql`insert into parents (id, first_name, last_name, email, password_hash)
    values (${parentId}, 'A', 'B', ${`${parentId}@example.com`}, 'x')`.execute(db)
  return parentId
}

export async function aChildOf(db: Db, parentId: string): Promise<string> {
  const child = await db
    .insertInto('children')
    .values({
      parent_id: parentId,
      name: 'Mia',
      age_range: '4-6',
      sex: 'Female',
      eye_color: 'Blue',
      hair_type: 'Curly',
      hair_color: 'Red',
      ethnicity: 'Irish',
      fav_animals: 'otters',
      fav_activities: null,
      fav_shows: null,
      avatar_image_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return child.id
}

/** A parent with one child. */
export async function aFamily(db: Db): Promise<{ parentId: string; childId: string }> {
  const parentId = await aParent(db)
  return { parentId, childId: await aChildOf(db, parentId) }
}

/** A parent with one child, and an avatar job for the child, queued in Postgres only. */
export async function aFamilyWithAvatarJob(db: Db): Promise<{ parentId: string; childId: string; jobId: string }> {
  const family = await aFamily(db)
  const job = await jobRepository.create(db, {
    id: randomUUID(),
    parent_id: family.parentId,
    kind: 'avatar',
    child_id: family.childId,
  })
  return { ...family, jobId: job.id }
}
