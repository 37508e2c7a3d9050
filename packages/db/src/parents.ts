import type { Db } from './database.ts'
import { isUniqueViolation } from './errors.ts'

const publicColumns = ['id', 'first_name', 'last_name', 'email', 'language', 'created_at'] as const

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

  /** With the password hash, for the routes that ask for the current password. */
  findWithHash(db: Db, id: string) {
    return db.selectFrom('parents').selectAll().where('id', '=', id).executeTakeFirst()
  },

  /** Undefined when the parent is gone; 'email_taken' when the new email belongs to another account. */
  async update(
    db: Db,
    id: string,
    changes: { first_name?: string; last_name?: string; email?: string; language?: string | null },
  ) {
    try {
      return await db
        .updateTable('parents')
        .set(changes)
        .where('id', '=', id)
        .returning(publicColumns)
        .executeTakeFirst()
    } catch (error) {
      if (isUniqueViolation(error, 'parents_email_key')) return 'email_taken' as const
      throw error
    }
  },

  setPasswordHash(db: Db, id: string, passwordHash: string) {
    return db.updateTable('parents').set({ password_hash: passwordHash }).where('id', '=', id).execute()
  },

  /** Removes the parent and, by the foreign keys' ON DELETE CASCADE, every row that refers to them. */
  async delete(db: Db, id: string): Promise<boolean> {
    const result = await db.deleteFrom('parents').where('id', '=', id).executeTakeFirst()
    return result.numDeletedRows > 0n
  },
}
