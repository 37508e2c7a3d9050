import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { API_SCHEMA_FILE, generateApiSchema } from '../../apps/web/scripts/api-schema.ts'

describe("the web app's generated API types", () => {
  it('match the OpenAPI document of the app as it is now (else run ./dreamify web:api-schema)', async () => {
    const committed = await readFile(API_SCHEMA_FILE, 'utf8')
    const fresh = await generateApiSchema()
    expect(committed === fresh, 'apps/web/src/lib/api-schema.d.ts is stale: run ./dreamify web:api-schema').toBe(true)
  })
})
