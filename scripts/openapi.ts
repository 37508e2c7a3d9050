// ./dreamify openapi: writes the API's OpenAPI document to docs/openapi.json, built from the app
// without a server. Run it after changing a route's schema; a test fails while the file is stale.
import { writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { OPENAPI_DOCUMENT_PATH, renderOpenApiDocument } from '../apps/api/src/lib/openapi-document.ts'

await writeFile(OPENAPI_DOCUMENT_PATH, await renderOpenApiDocument())
console.log(`wrote ${relative(process.cwd(), OPENAPI_DOCUMENT_PATH)}`)
