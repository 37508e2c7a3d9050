import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { QUEUES } from '@dreamify/core'
import { beforeAll, describe, expect, it } from 'vitest'

// Checks docker-compose.yml, the Dockerfile and .dockerignore without a Docker daemon: Debian's
// docker-compose 1.29 (the oldest Compose in common use) must accept the file, and its resolved
// form must say what the deployment promises.

const root = resolve(import.meta.dirname, '..')
const SERVICES = ['api', 'migrate', 'minio', 'minio-bucket', 'postgres', 'redis', 'worker', 'worker-variants']
/** The two kinds of worker: the generation queues, and the CPU-bound image variants on workers of their own. */
const WORKERS = ['worker', 'worker-variants']

function run(command: string, args: string[], env: NodeJS.ProcessEnv = composeEnv()) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 280_000 })
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
  }
}

/** The environment without anything the file interpolates, so the defaults are what is checked. */
function composeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const name of [
    'JWT_SECRET',
    'LOG_LEVEL',
    'GENERATION_PROVIDER',
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'MINIO_ROOT_USER',
    'MINIO_ROOT_PASSWORD',
    'VARIANT_CONCURRENCY',
    'S3_PUBLIC_ENDPOINT',
    'COMPOSE_FILE',
    'COMPOSE_PROJECT_NAME',
  ]) {
    if (!(name in extra)) delete env[name]
  }
  return env
}

const compose = (args: string[], env?: NodeJS.ProcessEnv) =>
  run('docker-compose', ['-f', 'docker-compose.yml', ...args], env)

/** Installs Debian's docker-compose when it is missing (the machine running the suite is root). */
function ensureDockerCompose(): void {
  if (run('docker-compose', ['version']).status === 0) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  let install = run('apt-get', ['install', '-y', '--no-install-recommends', 'docker-compose'], env)
  if (install.status !== 0) {
    const update = run('apt-get', ['update'], env)
    if (update.status !== 0) throw new Error(`apt-get update failed:\n${update.stderr}`)
    install = run('apt-get', ['install', '-y', '--no-install-recommends', 'docker-compose'], env)
  }
  if (install.status !== 0) throw new Error(`could not install docker-compose:\n${install.stderr}`)
}

/** The lines of one service in `docker-compose config` output (services are keys indented by two spaces). */
function serviceBlock(config: string, service: string): string {
  const lines = config.split('\n')
  const servicesAt = lines.indexOf('services:')
  const start = lines.findIndex((line, i) => i > servicesAt && line === `  ${service}:`)
  if (servicesAt < 0 || start < 0) throw new Error(`service ${service} not in:\n${config}`)
  const end = lines.findIndex((line, i) => i > start && (/^ {2}\S/.test(line) || /^\S/.test(line)))
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n')
}

/** A service's WORKER_QUEUES, as the list of queue names it names. */
function workerQueues(config: string, service: string): string[] {
  const environment = keyBlock(serviceBlock(config, service), 'environment')
  const value = environment?.match(/^\s+WORKER_QUEUES: ['"]?([^'"\n]*)['"]?$/m)?.[1]
  if (value === undefined) throw new Error(`${service} sets no WORKER_QUEUES:\n${environment}`)
  return value.split(',').map((name) => name.trim())
}

/** The lines under `key:` inside a block, at any depth (its value and everything indented deeper). */
function keyBlock(block: string, key: string): string | undefined {
  const lines = block.split('\n')
  const start = lines.findIndex((line) => new RegExp(`^ *${key}:( |$)`).test(line))
  if (start < 0) return undefined
  const indent = lines[start]!.search(/\S/)
  const end = lines.findIndex(
    (line, i) =>
      i > start && line.trim() !== '' && line.search(/\S/) <= indent && !/^ *- /.test(line.slice(0, indent + 2)),
  )
  return lines.slice(start, end < 0 ? undefined : end).join('\n')
}

let config = ''
beforeAll(() => {
  ensureDockerCompose()
  const result = compose(['config'])
  if (result.status !== 0) throw new Error(`docker-compose config failed:\n${result.stderr}`)
  config = result.stdout
}, 300_000)

describe('docker-compose.yml', () => {
  it('is accepted by docker-compose 1.29 (`docker-compose config -q` exits 0)', () => {
    const result = compose(['config', '-q'])
    expect(result.stderr).not.toMatch(/ERROR|Invalid|Unsupported/i)
    expect(result.status).toBe(0)
  })

  it('avoids keys that docker-compose 1.29 rejects', () => {
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8')
    expect(text).not.toMatch(/^name:/m)
    expect(text).not.toMatch(/^include:/m)
    expect(text).not.toMatch(/^\s+develop:/m)
    expect(text).not.toMatch(/start_interval/)
  })

  it('has the services postgres, redis, minio (and its bucket), migrate, api and both kinds of worker', () => {
    const result = compose(['config', '--services'])
    expect(result.status).toBe(0)
    expect(result.stdout.trim().split('\n').sort()).toEqual(SERVICES)
    const volumes = compose(['config', '--volumes'])
    expect(volumes.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2)
  })

  it("publishes only the api port and MinIO's (presigned URLs), and only on 127.0.0.1", () => {
    const published: Record<string, RegExp> = {
      api: /^127\.0\.0\.1:3000:3000(\/tcp)?$/,
      minio: /^127\.0\.0\.1:9000:9000(\/tcp)?$/,
    }
    for (const service of SERVICES) {
      const ports = keyBlock(serviceBlock(config, service), 'ports')
      if (published[service]) {
        expect(ports).toBeDefined()
        const mappings = ports!
          .split('\n')
          .slice(1)
          .map((line) => line.replace(/^\s*-\s*/, '').trim())
          .filter(Boolean)
        expect(mappings).toEqual([expect.stringMatching(published[service])])
      } else {
        expect(ports, `${service} must not publish a port`).toBeUndefined()
      }
    }
  })

  it('runs Redis without eviction and with an append-only file, and Postgres 17 with a named volume', () => {
    const redis = serviceBlock(config, 'redis')
    expect(redis).toMatch(/image: redis:7-alpine/)
    const command = keyBlock(redis, 'command')!
    expect(command).toMatch(/--maxmemory-policy\W+noeviction/)
    expect(command).toMatch(/--appendonly\W+yes/)
    expect(keyBlock(redis, 'healthcheck')).toMatch(/redis-cli[\s\S]*ping/)
    expect(keyBlock(redis, 'volumes')).toMatch(/- redis-data:\/data/)

    const postgres = serviceBlock(config, 'postgres')
    expect(postgres).toMatch(/image: postgres:17-alpine/)
    expect(postgres).toMatch(/POSTGRES_DB: dreamify/)
    expect(postgres).toMatch(/POSTGRES_PASSWORD: \S+/)
    expect(keyBlock(postgres, 'healthcheck')).toMatch(/pg_isready/)
    expect(keyBlock(postgres, 'volumes')).toMatch(/- postgres-data:\/var\/lib\/postgresql\/data/)
  })

  it('migrates once before the api and workers start', () => {
    const migrate = serviceBlock(config, 'migrate')
    expect(migrate).toMatch(/build:/)
    expect(keyBlock(migrate, 'command')).toContain('packages/db/src/cli.ts')
    expect(migrate).toMatch(/restart: "?no"?$/m)
    expect(keyBlock(migrate, 'depends_on')).toMatch(/postgres:\n\s+condition: service_healthy/)
    for (const service of ['api', ...WORKERS]) {
      const dependsOn = keyBlock(serviceBlock(config, service), 'depends_on')!
      expect(dependsOn, service).toMatch(/migrate:\n\s+condition: service_completed_successfully/)
      expect(dependsOn, service).toMatch(/postgres:\n\s+condition: service_healthy/)
      expect(dependsOn, service).toMatch(/redis:\n\s+condition: service_healthy/)
    }
  })

  it('starts the api in production, pointed at the compose services, with a readiness healthcheck', () => {
    const api = serviceBlock(config, 'api')
    expect(keyBlock(api, 'command')).toContain('apps/api/src/server.ts')
    const environment = keyBlock(api, 'environment')!
    expect(environment).toMatch(/NODE_ENV: production/)
    expect(environment).toMatch(/DATABASE_URL: postgres:\/\/postgres:dreamify@postgres:5432\/dreamify/)
    expect(environment).toMatch(/REDIS_URL: redis:\/\/redis:6379/)
    // A default long enough for loadConfig (32+ characters), so `docker-compose up` starts as is...
    expect(environment).toMatch(/JWT_SECRET: \S{32,}/)
    expect(keyBlock(api, 'healthcheck')).toMatch(/http:\/\/127\.0\.0\.1:3000\/health\/ready/)
    // ...and the operator's secret when one is set.
    const custom = compose(['config'], composeEnv({ JWT_SECRET: 'operator-secret-operator-secret-operator' }))
    expect(keyBlock(serviceBlock(custom.stdout, 'api'), 'environment')).toMatch(
      /JWT_SECRET: operator-secret-operator-secret-operator/,
    )
    // The migrations read the same configuration, so they need the same secret in production.
    expect(keyBlock(serviceBlock(config, 'migrate'), 'environment')).toMatch(/JWT_SECRET: \S{32,}/)
  })

  it('stores media in MinIO: a bucket made at start, and the app services on MEDIA_STORE=s3', () => {
    expect(serviceBlock(config, 'minio')).toMatch(/image: minio\/minio/)
    const bucket = serviceBlock(config, 'minio-bucket')
    expect(bucket).toMatch(/mc mb --ignore-existing local\/dreamify-media/)
    expect(keyBlock(bucket, 'depends_on')).toMatch(/minio:\n\s+condition: service_healthy/)
    for (const service of ['api', ...WORKERS, 'migrate']) {
      const environment = keyBlock(serviceBlock(config, service), 'environment')!
      expect(environment, service).toMatch(/MEDIA_STORE: s3/)
      expect(environment, service).toMatch(/S3_ENDPOINT: http:\/\/minio:9000/)
      expect(environment, service).toMatch(/S3_BUCKET: dreamify-media/)
      expect(environment, service).toMatch(/S3_FORCE_PATH_STYLE: "?true"?/)
    }
    for (const service of ['api', ...WORKERS])
      expect(keyBlock(serviceBlock(config, service), 'depends_on'), service).toMatch(
        /minio-bucket:\n\s+condition: service_completed_successfully/,
      )
  })

  it('runs workers that scale: no container_name, no published port, a healthcheck on the metrics port', () => {
    for (const service of WORKERS) {
      const worker = serviceBlock(config, service)
      expect(keyBlock(worker, 'command'), service).toContain('apps/worker/src/main.ts')
      expect(worker, service).toMatch(/image: dreamify:latest/)
      expect(worker, service).not.toMatch(/container_name:/)
      expect(keyBlock(worker, 'ports'), service).toBeUndefined()
      expect(keyBlock(worker, 'healthcheck'), service).toMatch(/http:\/\/127\.0\.0\.1:9464\/health\/ready/)
      const environment = keyBlock(worker, 'environment')
      expect(environment, service).toMatch(/NODE_ENV: production/)
      expect(environment, service).toMatch(/WORKER_METRICS_PORT: ['"]?9464['"]?$/m)
      expect(worker, service).toMatch(/stop_grace_period: 30s/)
      expect(worker, service).toMatch(/restart: unless-stopped/)
    }
    for (const service of SERVICES) expect(serviceBlock(config, service), service).not.toMatch(/container_name:/)
  })

  it('runs the generation queues on `worker` and the image variants on workers of their own', () => {
    const all: string[] = Object.values(QUEUES)
    expect(all).toContain(QUEUES.imageVariants)
    // Every queue but image-variants, in the order of the catalogue, each once.
    expect(workerQueues(config, 'worker')).toEqual(all.filter((queue) => queue !== QUEUES.imageVariants))
    expect(workerQueues(config, 'worker-variants')).toEqual([QUEUES.imageVariants])
    // Between them, every queue is run by some worker.
    expect([...workerQueues(config, 'worker'), ...workerQueues(config, 'worker-variants')].sort()).toEqual(
      [...all].sort(),
    )
  })

  it("sizes the variant workers by VARIANT_CONCURRENCY: 2 by default, the operator's when set", () => {
    const variants = keyBlock(serviceBlock(config, 'worker-variants'), 'environment')
    expect(variants).toMatch(/VARIANT_CONCURRENCY: ['"]?2['"]?$/m)
    const custom = compose(['config'], composeEnv({ VARIANT_CONCURRENCY: '6' }))
    expect(custom.status).toBe(0)
    expect(keyBlock(serviceBlock(custom.stdout, 'worker-variants'), 'environment')).toMatch(
      /VARIANT_CONCURRENCY: ['"]?6['"]?$/m,
    )
  })

  it('gives both kinds of worker the same build, dependencies and healthcheck (the shared x-worker block)', () => {
    const [worker, variants] = WORKERS.map((service) => serviceBlock(config, service))
    for (const key of ['build', 'command', 'depends_on', 'expose', 'healthcheck'])
      expect(keyBlock(variants!, key), key).toEqual(keyBlock(worker!, key))
    const dependsOn = keyBlock(variants!, 'depends_on')!
    expect(dependsOn).toMatch(/minio-bucket:\n\s+condition: service_completed_successfully/)
    // The environments differ only in what each kind runs.
    const environment = (block: string) =>
      keyBlock(block, 'environment')!
        .split('\n')
        .filter((line) => !/^\s+(WORKER_QUEUES|VARIANT_CONCURRENCY):/.test(line))
    expect(environment(variants!)).toEqual(environment(worker!))
  })
})

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')

  it('builds in stages on node:24-slim with a frozen pnpm install', () => {
    expect(dockerfile.match(/^FROM node:24-slim AS \w+$/gm)?.length).toBeGreaterThanOrEqual(2)
    expect(dockerfile).toContain('npm install -g pnpm@11.28.11')
    // Production dependencies only: no TypeScript, Vitest or Biome in the image.
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --prod(?!=false)\b/)
    expect(dockerfile).not.toMatch(/--prod=false/)
    expect(dockerfile).toMatch(/COPY package\.json pnpm-lock\.yaml pnpm-workspace\.yaml/)
  })

  it('copies the manifest of every workspace package before installing', () => {
    const manifests = ['apps', 'packages'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .map((name) => `${dir}/${name}/package.json`)
        .filter((path) => existsSync(join(root, path))),
    )
    expect(manifests.length).toBeGreaterThan(0)
    for (const manifest of manifests) expect(dockerfile, manifest).toContain(`COPY ${manifest} `)
  })

  it('runs as the node user in production, exposing 3000 with a healthcheck and the api as default command', () => {
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production/m)
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m)
    expect(dockerfile).toMatch(/^HEALTHCHECK /m)
    // One image runs the API or a worker: the check asks whichever of the two is running (test/healthcheck.test.ts).
    expect(dockerfile).toMatch(/CMD \["node", "scripts\/healthcheck\.ts"\]/)
    expect(dockerfile).toMatch(/^CMD \["node", "apps\/api\/src\/server\.ts"\]$/m)
  })

  it('keeps host-only files out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
    for (const entry of ['node_modules', '.tools', '.git', '.dreamify', 'docs/benchmarks'])
      expect(ignored, entry).toContain(entry)
  })
})
