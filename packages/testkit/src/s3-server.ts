import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import S3rver from 's3rver'

export interface TestS3Server {
  /** the endpoint clients use: the signature-checking proxy in front of s3rver */
  endpoint: string
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** the environment an API or worker process needs to use this store */
  env: Record<string, string>
  /** requests the proxy refused (a bad or expired signature), by reason */
  refused: string[]
  /**
   * called when an upload is stored, before its answer goes back to the client: a test can kill
   * the uploading process right there, between its upload and its settle
   */
  onUploaded: ((key: string) => void | Promise<void>) | undefined
  /** every object key in the bucket */
  keys(): string[]
  /** the store goes down: connections are refused until `up` */
  down(): Promise<void>
  up(): Promise<void>
  stop(): Promise<void>
}

const REGION = 'us-east-1'
const ACCESS_KEY_ID = 'dreamify-test'
const SECRET_ACCESS_KEY = 'dreamify-test-secret-key-0123456789'
const UNSIGNED = 'UNSIGNED-PAYLOAD'

/**
 * A real S3-protocol server for tests and the bench: s3rver (which serves any request, signed or
 * not) behind a proxy that checks each request's SigV4 signature as S3 and MinIO do: it recomputes
 * the signature with @smithy/signature-v4 (the SDK's own signer) from the request as received, and
 * answers 403 to a wrong or missing one, an expired presigned URL, or a body that is not the one
 * signed. Everything stays in the calling process, on loopback.
 */
export async function startS3Server({ bucket = 'dreamify-media' }: { bucket?: string } = {}): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'dreamify-s3-'))
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  })
  const { port: backendPort } = (await s3rver.run()) as AddressInfo
  const signer = new SignatureV4({
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    region: REGION,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
  })
  const refused: string[] = []
  const sockets = new Set<Socket>()
  const proxy: Server = createServer((req, res) => void handle(req, res))
  proxy.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req)
    // The signer rejects some requests with a bare string (an expiry past a week): any rejection refuses.
    const problem = await verify(signer, req, body).catch(
      (error: unknown) => `the signature cannot be checked: ${(error as Error)?.message ?? String(error)}`,
    )
    if (problem) {
      refused.push(problem)
      res.writeHead(403, { 'content-type': 'application/xml' })
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>${problem}</Message></Error>`,
      )
      return
    }
    // Checked here: s3rver gets the request unsigned (it would only look the access key up).
    const url = new URL(req.url ?? '/', 'http://placeholder')
    for (const name of [...url.searchParams.keys()]) if (/^X-Amz-/i.test(name)) url.searchParams.delete(name)
    const { authorization: _signature, ...headers } = req.headers
    const upstream = forward(
      { host: '127.0.0.1', port: backendPort, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (answer) => {
        void (async () => {
          const key = decodeURIComponent(url.pathname).replace(`/${bucket}/`, '')
          if (req.method === 'PUT' && answer.statusCode === 200 && server.onUploaded) await server.onUploaded(key)
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })()
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    upstream.end(body)
  }

  let port = 0
  const listen = () =>
    new Promise<void>((done) =>
      proxy.listen(port, '127.0.0.1', () => {
        port = (proxy.address() as AddressInfo).port
        done()
      }),
    )
  await listen()
  const endpoint = `http://127.0.0.1:${port}`
  const closeProxy = () =>
    new Promise<void>((done) => {
      for (const socket of sockets) socket.destroy()
      if (!proxy.listening) return done()
      proxy.close(() => done())
    })
  const server: TestS3Server = {
    endpoint,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    env: {
      MEDIA_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      S3_FORCE_PATH_STYLE: 'true',
    },
    refused,
    onUploaded: undefined,
    keys: () => objectKeys(join(directory, bucket)),
    down: closeProxy,
    up: listen,
    async stop() {
      await closeProxy()
      await s3rver.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
  return server
}

/** s3rver's filesystem store keeps each object as `<key>._S3rver_object`. */
function objectKeys(root: string): string[] {
  const suffix = '._S3rver_object'
  if (!existsSync(root)) return []
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith(suffix))
    .map((path) => path.slice(0, -suffix.length).split(sep).join('/'))
    .sort()
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => done(Buffer.concat(chunks)))
    req.on('error', fail)
  })
}

/** `20261202T030000Z` as a Date. */
function amzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!m) throw new Error(`bad X-Amz-Date ${value}`)
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!))
}

/** What is wrong with the request's signature, or undefined when it is right. */
async function verify(signer: SignatureV4, req: IncomingMessage, body: Buffer): Promise<string | undefined> {
  const url = new URL(req.url ?? '/', 'http://placeholder')
  const query: Record<string, string | string[]> = {}
  for (const [name, value] of url.searchParams) {
    const existing = query[name]
    query[name] = existing === undefined ? value : ([] as string[]).concat(existing, value)
  }
  // The request as the client signed it, to sign again with the signed headers.
  const asSigned = (headers: Record<string, string>) => ({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: url.pathname,
    query,
    headers,
  })
  const given = url.searchParams.get('X-Amz-Signature')
  if (given !== null) {
    const date = amzDate(url.searchParams.get('X-Amz-Date') ?? '')
    const expiresIn = Number(url.searchParams.get('X-Amz-Expires'))
    if (!(expiresIn > 0) || date.getTime() + expiresIn * 1000 < Date.now()) return 'the presigned URL has expired'
    if (!url.searchParams.get('X-Amz-Credential')?.startsWith(`${ACCESS_KEY_ID}/`)) return 'unknown access key'
    const signedHeaders = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';')
    const hoisted = url.searchParams.get('X-Amz-Content-Sha256')
    for (const name of Object.keys(query)) if (/^X-Amz-/i.test(name)) delete query[name]
    // the SDK's presigner signs this header hoisted into the query, as S3 expects
    const headers = { ...pick(req, signedHeaders), ...(hoisted === null ? {} : { 'X-Amz-Content-Sha256': hoisted }) }
    const presigned = await signer.presign(asSigned(headers), { signingDate: date, expiresIn })
    return presigned.query?.['X-Amz-Signature'] === given ? undefined : 'the presigned URL signature does not match'
  }
  const authorization = req.headers.authorization ?? ''
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/[^,]+, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
    authorization,
  )
  if (!m) return 'the request is not signed'
  if (m[1] !== ACCESS_KEY_ID) return 'unknown access key'
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '')
  if (payloadHash !== UNSIGNED && payloadHash !== createHash('sha256').update(body).digest('hex'))
    return 'the body is not the one signed'
  const signedHeaders = m[2]!.split(';')
  const signed = await signer.sign(asSigned(pick(req, signedHeaders)), {
    signingDate: amzDate(String(req.headers['x-amz-date'] ?? '')),
  })
  const recomputed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1]
  return recomputed === m[3] ? undefined : 'the signature does not match'
}

function pick(req: IncomingMessage, names: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of names) {
    const value = req.headers[name]
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  return headers
}
