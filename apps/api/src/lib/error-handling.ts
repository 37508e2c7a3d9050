import { AppError, type ErrorCode } from '@dreamify/core'
import { isDatabaseUnavailable } from '@dreamify/db'
import { answerNotFound } from '@dreamify/http'
import { MediaStoreUnavailableError } from '@dreamify/media'
import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyInstance } from 'fastify'
import { describeValidationError } from './validation.ts'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

// Fastify's own 4xx errors, mapped to our codes.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
}

interface Described {
  statusCode: number
  code: ErrorCode
  message: string
  headers?: Record<string, string>
}

function describe(error: FastifyError & { validation?: ErrorObject[]; validationContext?: string }): Described {
  if (error instanceof AppError) return error
  if (error.validation?.length) {
    const part = error.validationContext ?? 'body'
    const code = part === 'params' ? 'INVALID_ID' : 'VALIDATION_FAILED'
    return { statusCode: 400, code, message: describeValidationError(part, error.validation[0]!) }
  }
  if (isDatabaseUnavailable(error))
    return { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'the database is unavailable, retry later' }
  if (error instanceof MediaStoreUnavailableError)
    return { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'the media store is unavailable, retry later' }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const code =
      FASTIFY_CODES[error.code] ??
      (error instanceof SyntaxError || /JSON/i.test(error.message)
        ? 'INVALID_JSON'
        : status === 429
          ? 'RATE_LIMITED'
          : 'VALIDATION_FAILED')
    const message =
      code === 'INVALID_JSON'
        ? 'body is not valid JSON'
        : code === 'UNSUPPORTED_MEDIA_TYPE'
          ? 'body must be sent as application/json'
          : error.message
    return { statusCode: status, code, message }
  }
  return {
    statusCode: 500,
    code: 'INTERNAL',
    message: 'internal error; the logs have the details under this request id',
  }
}

/** One error shape everywhere: {statusCode, code, error, message}. 5xx answers never show internals. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const described = describe(error)
    if (described.statusCode >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.debug({ err: error }, 'request rejected')
    for (const [name, value] of Object.entries(described.headers ?? {})) reply.header(name, value)
    return reply.status(described.statusCode).send({
      statusCode: described.statusCode,
      code: described.code,
      error: STATUS_TEXT[described.statusCode] ?? 'Error',
      message: described.statusCode >= 500 ? `${described.message} (${request.id})` : described.message,
    })
  })

  app.setNotFoundHandler(answerNotFound)
}
