import { createHash, timingSafeEqual } from 'node:crypto'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import type { Queues } from '@dreamify/core'
import type { Queue } from 'bullmq'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

type BoardOptions = Parameters<typeof createBullBoard>[0]

export const ADMIN_PATH = '/admin/queues'

export interface AdminCredentials {
  user: string
  password: string
}

// Hashing first gives both sides the same length, so the comparison takes the same time whatever was sent.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected))

/** The user and password of an `Authorization: Basic …` header, or undefined. */
export function parseBasicAuth(header: string | undefined): AdminCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

export function checkBasicAuth(header: string | undefined, expected: AdminCredentials): boolean {
  const given = parseBasicAuth(header) ?? { user: '', password: '' }
  // Both compared every time (no short-circuit), so timing tells nothing about which one was wrong.
  const userOk = same(given.user, expected.user)
  const passwordOk = same(given.password, expected.password)
  return userOk && passwordOk
}

/**
 * The bull-board dashboard at /admin/queues behind HTTP Basic auth (ADMIN_USER / ADMIN_PASSWORD).
 * Register it only when config.admin is set: without it the path is a plain 404.
 */
export async function adminPlugin(
  app: FastifyInstance,
  { queues, credentials }: { queues: Queues; credentials: AdminCredentials },
) {
  const serverAdapter = new FastifyAdapter()
  serverAdapter.setBasePath(ADMIN_PATH)
  createBullBoard({
    queues: Object.values(queues).map((queue) => new BullMQAdapter(queue as Queue)),
    // @bull-board/fastify 9.10.1 (its latest) types itself against @bull-board/api 9.10.1; ours is
    // 9.10.2, whose adapter interface is the same but whose classes TypeScript sees as distinct.
    serverAdapter: serverAdapter as unknown as BoardOptions['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Dreamify queues' } },
  })

  await app.register(
    async (scope) => {
      // Answered here rather than thrown: bull-board's own error handler would reshape a thrown error.
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        if (checkBasicAuth(request.headers.authorization, credentials)) return
        return reply.status(401).header('www-authenticate', 'Basic realm="Dreamify admin", charset="UTF-8"').send({
          statusCode: 401,
          code: 'UNAUTHORIZED',
          error: 'Unauthorized',
          message: 'admin credentials are required',
        })
      })
      await scope.register(serverAdapter.registerPlugin())
    },
    { prefix: ADMIN_PATH },
  )
}
