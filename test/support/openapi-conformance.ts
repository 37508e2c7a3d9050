import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import formatsPlugin from 'ajv-formats'

/**
 * Holds every answer the tests receive to the committed OpenAPI document (docs/openapi.json):
 * the route and method must be documented, the status too, and a JSON body must be valid
 * against that status's schema. The route tests' `app.inject` (test/support/api.ts) and the
 * end-to-end tests' HTTP client (test/support/client.ts) call it on every answer, so a route
 * or a status that is not documented fails the suite.
 */

interface MediaType {
  schema?: object
}
interface Response {
  content?: Record<string, MediaType>
}
/** A response, or a reference to one of the document's components.responses. */
type ResponseOrRef = Response | { $ref: string }
interface Operation {
  responses: Record<string, ResponseOrRef>
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, object>; responses?: Record<string, Response> }
}

export interface ObservedAnswer {
  method: string
  /** the request's path, with or without its query string */
  url: string
  status: number
  contentType: string | undefined
  body: string
}

const DOCUMENT_URL = new URL('../../docs/openapi.json', import.meta.url)

/**
 * What the API serves outside its document, on purpose: the Prometheus scrape target (hidden
 * from the docs, it is for operators), the document itself with Swagger UI, and bull-board's
 * dashboard. CORS preflights (OPTIONS) are @fastify/cors's answer for any path, not operations.
 */
const OUTSIDE_THE_DOCUMENT = [/^\/metrics$/, /^\/docs(\/|$)/, /^\/admin\/queues(\/|$)/]

const addFormats = formatsPlugin as unknown as (ajv: Ajv) => Ajv
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }))
const validators = new Map<string, ValidateFunction>()

let loaded: { document: OpenApiDocument; templates: Array<{ template: string; pattern: RegExp }> } | undefined

function load() {
  if (loaded) return loaded
  const document = JSON.parse(readFileSync(DOCUMENT_URL, 'utf8')) as OpenApiDocument
  // Fewest parameters first, so that a static path wins over a template that would also match it.
  const templates = Object.keys(document.paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(
        `^${template
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      ),
    }))
    .sort((a, b) => a.params - b.params)
  loaded = { document, templates }
  return loaded
}

/** `image/png; charset=x` matches a documented `image/png`, `image/*` or `*\/*`. */
function documentedMediaType(content: Record<string, MediaType>, contentType: string | undefined) {
  const actual = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  const [type] = actual.split('/')
  return Object.keys(content).find((key) => key === actual || key === `${type}/*` || key === '*/*')
}

/** The response `#/components/responses/<name>` names (the document's only kind of response reference). */
function componentResponse(document: OpenApiDocument, ref: string): Response {
  const name = ref.replace('#/components/responses/', '')
  const response = document.components?.responses?.[name]
  if (!response) throw new Error(`docs/openapi.json refers to ${ref}, which it does not have`)
  return response
}

/** Why the answer breaks the document, or undefined when it keeps to it. */
export function documentViolation({ method, url, status, contentType, body }: ObservedAnswer): string | undefined {
  const path = url.split('?')[0]!
  const verb = method.toUpperCase()
  if (verb === 'OPTIONS' || OUTSIDE_THE_DOCUMENT.some((pattern) => pattern.test(path))) return undefined
  const { document, templates } = load()
  const template = templates.find(({ pattern }) => pattern.test(path))?.template
  const operation = template ? document.paths[template]![verb === 'HEAD' ? 'get' : verb.toLowerCase()] : undefined
  if (!template || !operation) return `${verb} ${path} is not a documented operation`
  const where = `${verb} ${template} answered ${status}`
  const documented = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`]
  const response = documented && '$ref' in documented ? componentResponse(document, documented.$ref) : documented
  if (!response) return `${where}, a status it does not document (${Object.keys(operation.responses).join(', ')})`
  const content = response.content ?? {}
  if (Object.keys(content).length === 0)
    return body === '' ? undefined : `${where} with a body, where the document says it has none`
  if (verb === 'HEAD') return undefined
  const mediaType = documentedMediaType(content, contentType)
  if (!mediaType) return `${where} with ${contentType ?? 'no content type'}, not ${Object.keys(content).join(' or ')}`
  const schema = content[mediaType]!.schema
  if (!mediaType.endsWith('json') || !schema) return undefined
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return `${where} with a body that is not JSON: ${body.slice(0, 200)}`
  }
  const key = `${verb} ${template} ${status} ${mediaType}`
  let validate = validators.get(key)
  if (!validate) {
    // The document's components beside the schema, so that its `#/components/schemas/…` references resolve.
    validate = ajv.compile({ ...schema, components: { schemas: document.components?.schemas ?? {} } })
    validators.set(key, validate)
  }
  if (validate(json)) return undefined
  return `${where} with a body its schema refuses (${ajv.errorsText(validate.errors)}): ${body.slice(0, 500)}`
}

/** Throws when the answer breaks the document, saying what to fix. */
export function expectDocumented(answer: ObservedAnswer): void {
  const violation = documentViolation(answer)
  if (violation)
    throw new Error(
      `the answer breaks docs/openapi.json: ${violation}. Fix the route's response schema (or the route), then run ./dreamify openapi`,
    )
}
