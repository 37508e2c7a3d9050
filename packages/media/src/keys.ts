/** Deterministic object keys: the same step (the same job) writing the same media gets the same key. */
export const mediaKeys = {
  chapterImage(storyId: string, chapterNumber: number, jobId: string, variant: string, extension: string) {
    return `stories/${storyId}/chapters/${chapterNumber}/${safe(jobId)}/${variant}.${extension}`
  },
  avatar(childId: string, jobId: string, variant: string, extension: string) {
    return `children/${childId}/avatars/${safe(jobId)}/${variant}.${extension}`
  },
}

/** Job ids are `story:<uuid>`-like; a key keeps to lower-case letters, digits and `/._-`. */
function safe(part: string): string {
  return part.toLowerCase().replace(/[^a-z0-9._-]/g, '-')
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
}

export function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType] ?? 'bin'
}
