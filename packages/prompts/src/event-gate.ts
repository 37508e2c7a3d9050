import type { CastMember, StoryChapter, StoryStreamEvent } from './types.ts'

/**
 * Decides which parsed pieces become stream events: the title first, then chapters strictly in order 1..N,
 * each once, and only ones that could pass validation — so consumers can start work (e.g. images) early
 * without it being wasted on a chapter the final draft would not contain.
 */
export interface EventGate {
  offerTitle(title: string): StoryStreamEvent[]
  offerChapter(chapter: StoryChapter): StoryStreamEvent[]
  /** The cast goes out once, after the title (and, when it came first, before any chapter). */
  offerCast(cast: CastMember[]): StoryStreamEvent[]
}

/** `from` > 1 continues a story whose title and first chapters exist: no title is waited for or sent. */
export function createEventGate(expectedChapters: number, from = 1): EventGate {
  let title: string | null = from > 1 ? '' : null
  let titleSent = from > 1
  let cast: CastMember[] | null = null
  let castSent = false
  let nextChapter = from
  const offered = new Set<number>()
  const waiting = new Map<number, StoryChapter>()

  function flush(): StoryStreamEvent[] {
    if (title === null) return []
    const events: StoryStreamEvent[] = []
    if (!titleSent) {
      titleSent = true
      events.push({ type: 'title', title })
    }
    if (cast !== null && !castSent) {
      castSent = true
      events.push({ type: 'cast', cast })
    }
    for (let chapter = waiting.get(nextChapter); chapter; chapter = waiting.get(nextChapter)) {
      waiting.delete(nextChapter)
      nextChapter += 1
      const { number, title, content, scene } = chapter
      events.push({ type: 'chapter', number, title, content, ...(scene ? { scene } : {}) })
    }
    return events
  }

  return {
    offerTitle(candidate) {
      if (title !== null || candidate === '') return []
      title = candidate
      return flush()
    },
    offerCast(candidate) {
      if (cast !== null || candidate.length === 0) return []
      cast = candidate
      return flush()
    },
    offerChapter(chapter) {
      if (offered.has(chapter.number)) return []
      offered.add(chapter.number)
      const plausible =
        chapter.number >= from && chapter.number <= expectedChapters && chapter.title !== '' && chapter.content !== ''
      if (!plausible) return []
      waiting.set(chapter.number, chapter)
      return flush()
    },
  }
}
