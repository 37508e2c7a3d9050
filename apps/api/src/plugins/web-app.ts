import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Where `vite build` puts the parents' web app (apps/web). */
export const WEB_APP_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url))

/** Paths that belong to the API: an unknown one is a JSON 404, never the app's page. */
const API_PREFIXES = ['/api', '/docs', '/health', '/metrics', '/admin']

/** The app's policy: its own scripts, styles, images and calls, and nothing inline or framed. */
function contentSecurityPolicy(publicUrl: string, mediaOrigins: readonly string[]) {
  // and the media store's (MEDIA_STORE=s3: presigned URLs point at the bucket or PUBLIC_MEDIA_URL)
  const images = [...new Set(["'self'", ...(publicUrl ? [new URL(publicUrl).origin] : []), ...mediaOrigins])]
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: images,
      // chapter narration plays from the same places as the pictures
      mediaSrc: images,
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }
}

function listFiles(dir: string): Set<string> {
  const files = new Set<string>()
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) files.add(`/${relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/')}`)
  return files
}

const isApiPath = (path: string) => API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))

/**
 * Serves the built web app at `/`, same origin as the API. A path that is one of the build's files
 * is that file (hashed assets cached for a year); any other page path gets index.html, so the
 * app's own router shows it (an SPA fallback). Without a build, nothing is registered.
 */
export const webAppPlugin = fp(
  async (
    app: FastifyInstance,
    {
      dir = WEB_APP_DIR,
      publicUrl = '',
      mediaOrigins = [],
    }: { dir?: string; publicUrl?: string; mediaOrigins?: readonly string[] },
  ) => {
    if (!existsSync(join(dir, 'index.html'))) {
      app.log.info({ dir }, 'no web app build; the API serves no pages')
      return
    }
    // Only files known at start are served: a path never reaches the file system unchecked.
    const files = listFiles(dir)
    await app.register(fastifyStatic, { root: dir, serve: false })
    app.get('/*', {
      schema: { hide: true },
      helmet: { contentSecurityPolicy: contentSecurityPolicy(publicUrl, mediaOrigins) },
      handler: async (request, reply) => {
        const path = request.url.split('?')[0]!
        if (isApiPath(path)) return reply.callNotFound()
        if (files.has(path) && path !== '/index.html') {
          const immutable = path.startsWith('/assets/')
          return reply.sendFile(path.slice(1), { immutable, maxAge: immutable ? '365d' : 0 })
        }
        if (/\.\w+$/.test(path) && !path.endsWith('.html')) return reply.callNotFound()
        // The page names the hashed assets of the current build: ask again each time.
        return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false })
      },
    })
  },
  // Each page's Content-Security-Policy is set through helmet's per-route option.
  { name: 'web-app', dependencies: ['@fastify/helmet'] },
)
