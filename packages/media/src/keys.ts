/**
 * Deterministic object keys: the same step (the same job) writing the same media gets the same key.
 * Each drawing or reading has a folder of its own; its objects are named inside it (mediaObjectKey):
 * a picture's `original.png` and its `w512.webp`, a narration's `audio.mp3`.
 */
export const mediaFolders = {
  /** one chapter's picture or narration, by the job that made it (a redo has a job, so a folder, of its own) */
  chapter(storyId: string, chapterNumber: number, jobId: string) {
    return `stories/${storyId}/chapters/${chapterNumber}/${safe(jobId)}`
  },
  avatar(childId: string, jobId: string) {
    return `children/${childId}/avatars/${safe(jobId)}`
  },
}

/** An object's key in its folder: `<folder>/<name>.<extension>`. */
export const mediaObjectKey = (folder: string, name: string, extension: string) => `${folder}/${name}.${extension}`

/** The folder an object's key is in. */
export const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/'))

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
