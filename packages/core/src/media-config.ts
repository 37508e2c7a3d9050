import Type from 'typebox'

const text = (description: string, fallback?: string) =>
  Type.Optional(Type.String({ minLength: 1, description, ...(fallback === undefined ? {} : { default: fallback }) }))

/** Where media bytes live (images now, narration later): part of EnvSchema. */
export const MediaEnvProperties = {
  MEDIA_STORE: Type.Enum(['postgres', 's3'], {
    default: 'postgres',
    description:
      'where images are stored: `postgres` (in the database, served by the API) or `s3` (any S3-compatible store: AWS S3, R2, MinIO; served by presigned URLs)',
  }),
  S3_ENDPOINT: text('the S3 endpoint URL (unset: AWS for S3_REGION)'),
  S3_PUBLIC_ENDPOINT: text(
    'the endpoint browsers reach the store at, when it differs from S3_ENDPOINT (presigned URLs are signed for it)',
  ),
  S3_BUCKET: text('the bucket media is stored in (needed with MEDIA_STORE=s3)'),
  S3_REGION: text('the bucket region', 'us-east-1'),
  S3_ACCESS_KEY_ID: text('the store access key id (unset: the SDK default credential chain)'),
  S3_SECRET_ACCESS_KEY: text('the store secret access key'),
  S3_FORCE_PATH_STYLE: Type.Boolean({
    default: false,
    description: 'path-style bucket addressing (`endpoint/bucket/key`), as MinIO needs',
  }),
  PUBLIC_MEDIA_URL: text(
    'a CDN in front of the bucket: presigned URLs are given out under this base (the CDN forwards path and query to the bucket)',
  ),
  MEDIA_ORPHAN_GRACE_SECONDS: Type.Integer({
    default: 3600,
    minimum: 60,
    description: 'how long an uploaded object may wait for its step to settle before the housekeeping sweeps it',
  }),
} as const

interface MediaEnv {
  MEDIA_STORE: 'postgres' | 's3'
  S3_ENDPOINT?: string
  S3_PUBLIC_ENDPOINT?: string
  S3_BUCKET?: string
  S3_REGION?: string
  S3_ACCESS_KEY_ID?: string
  S3_SECRET_ACCESS_KEY?: string
  S3_FORCE_PATH_STYLE: boolean
  PUBLIC_MEDIA_URL?: string
  MEDIA_ORPHAN_GRACE_SECONDS: number
}

export interface S3Settings {
  endpoint?: string
  /** where browsers reach the store, when not at `endpoint` (a container network's name, say) */
  publicEndpoint?: string
  bucket: string
  region: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle: boolean
}

export interface MediaConfig {
  store: 'postgres' | 's3'
  s3: S3Settings | null
  publicMediaUrl: string
  orphanGraceSeconds: number
}

/** The media part of the config, adding its problems to `problems`. */
export function mediaConfig(env: MediaEnv, problems: string[]): MediaConfig {
  for (const name of ['S3_ENDPOINT', 'S3_PUBLIC_ENDPOINT', 'PUBLIC_MEDIA_URL'] as const) {
    const value = env[name]
    if (value !== undefined && !URL.canParse(value))
      problems.push(`${name}: must be a URL (got ${JSON.stringify(value)})`)
  }
  if (env.MEDIA_STORE === 's3' && env.S3_BUCKET === undefined)
    problems.push('S3_BUCKET: must be set when MEDIA_STORE=s3')
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined))
    problems.push('S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together')
  const s3 =
    env.S3_BUCKET === undefined
      ? null
      : {
          endpoint: env.S3_ENDPOINT,
          publicEndpoint: env.S3_PUBLIC_ENDPOINT,
          bucket: env.S3_BUCKET,
          region: env.S3_REGION ?? 'us-east-1',
          accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY,
          forcePathStyle: env.S3_FORCE_PATH_STYLE,
        }
  return {
    store: env.MEDIA_STORE,
    s3,
    publicMediaUrl: env.PUBLIC_MEDIA_URL?.replace(/\/$/, '') ?? '',
    orphanGraceSeconds: env.MEDIA_ORPHAN_GRACE_SECONDS,
  }
}
