import { AppError, NON_BLANK } from '@dreamify/core'
import { Ajv, type ErrorObject, type Options } from 'ajv'
import formatsPlugin from 'ajv-formats'
import type { FastifyInstance, FastifySchema } from 'fastify'

const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv

const baseOptions: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false }

// Bodies are validated as sent (a number is not a string), as in the original product; query
// strings and path parameters are text by nature, so they are coerced. Unknown body fields are
// dropped before any handler sees them.
const bodyAjv = addFormats(new Ajv({ ...baseOptions, coerceTypes: false, removeAdditional: 'all' }))
const urlAjv = addFormats(new Ajv({ ...baseOptions, coerceTypes: true }))

export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema as FastifySchema & object),
  )
  // Postgres cannot store a NUL character in text; refuse it up front, naming the field, rather
  // than let the database turn it into a 500.
  app.addHook('preValidation', async (request) => {
    const where = findNul(request.body, 'body') ?? findNul(request.query, 'query')
    if (where) throw new AppError('VALIDATION_FAILED', `${where} must not contain NUL characters`)
  })
}

function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (value === null || typeof value !== 'object' || depth > 32) return undefined
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return path
    const found = findNul(inner, `${path}.${key}`, depth + 1)
    if (found) return found
  }
  return undefined
}

/** "body.name must not be blank": the field, then the rule, from Ajv's first error. */
export function describeValidationError(part: string, error: ErrorObject): string {
  const path = error.instancePath.split('/').filter(Boolean).join('.')
  const field = [part, path].filter(Boolean).join('.')
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return `${field ? `${field}.` : ''}${String(params.missingProperty)} is required`
    case 'pattern':
      return params.pattern === NON_BLANK
        ? `${field} must not be blank`
        : `${field} must match ${String(params.pattern)}`
    case 'enum':
      return `${field} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`
    case 'format':
      return `${field} must be a valid ${String(params.format)}`
    case 'type':
      return `${field} must be ${String(params.type)}`
    default:
      return `${field} ${error.message ?? 'is invalid'}`
  }
}
