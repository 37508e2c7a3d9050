import type { Db } from './database.ts'
import { isUniqueViolation } from './errors.ts'

const publicColumns = ['id', 'first_name', 'last_name', 'email', 'created_at'] as const

export const parentRepository = {
  /** Returns null when the email is taken (the unique index decides, so two racing registrations cannot both win). */
  async create(db: Db, parent: { first_name: string; last_name: string; email: string; password_hash: string }) {
    try {
      return await db.insertInto('parents').values(parent).returning(publicColumns).executeTakeFirstOrThrow()
    } catch (error) {
      if (isUniqueViolation(error, 'parents_email_key')) return null
      throw error
    }
  },

  findByEmail(db: Db, email: string) {
    return db.selectFrom('parents').selectAll().where('email', '=', email).executeTakeFirst()
  },

  findById(db: Db, id: string) {
    return db.selectFrom('parents').select(publicColumns).where('id', '=', id).executeTakeFirst()
  },
}
