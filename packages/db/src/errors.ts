/** True for Postgres' unique_violation (23505), optionally on one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const err = error as { code?: string; constraint?: string } | undefined
  return err?.code === '23505' && (constraint === undefined || err.constraint === constraint)
}
