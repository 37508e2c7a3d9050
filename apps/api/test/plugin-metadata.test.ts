import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// Every fastify-plugin plugin says what it is and what it needs (CONTRIBUTING, "A room for each
// thing"): Fastify then refuses to register one before the plugins it depends on, instead of a
// decorator being undefined at the first request. Plain (encapsulated) plugins carry no metadata.

const repo = join(import.meta.dirname, '..', '..', '..')
// The worker builds its small Fastify instance from @dreamify/http's plugins.
const folders = ['apps/api/src/plugins', 'apps/api/src/routes', 'packages/http/src']

interface PluginMeta {
  name?: string
  dependencies?: unknown
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))

/** Each exported fastify-plugin plugin of the folders (once, where an index re-exports it), by `file#export`. */
async function exportedPlugins(): Promise<Map<string, PluginMeta>> {
  const plugins = new Map<string, PluginMeta>()
  const seen = new Set<unknown>()
  for (const file of folders.flatMap((folder) => sourceFiles(join(repo, folder)))) {
    const module: Record<string, unknown> = await import(file)
    for (const [name, value] of Object.entries(module)) {
      const meta = typeof value === 'function' ? (value as never)[Symbol.for('plugin-meta')] : undefined
      if (!meta || seen.has(value)) continue
      seen.add(value)
      plugins.set(`${relative(repo, file)}#${name}`, meta)
    }
  }
  return plugins
}

describe('fastify-plugin plugins', () => {
  it('each have a name and declare their dependencies', async () => {
    const plugins = await exportedPlugins()
    // The API's infrastructure (auth, docs, metrics, the web app, the events hub), its shared routes
    // and the health and metrics routes of @dreamify/http are found.
    expect(plugins.size).toBeGreaterThanOrEqual(10)
    for (const [where, meta] of plugins) {
      expect(meta.name, `${where} has no name`).toMatch(/\S/)
      expect(Array.isArray(meta.dependencies), `${where} declares no dependencies`).toBe(true)
    }
    const names = [...plugins.values()].map((meta) => meta.name)
    expect(new Set(names).size, 'two plugins share a name').toBe(names.length)
  })
})
