import { randomUUID } from 'node:crypto'
import { type Db, sql } from '@dreamify/db'

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
