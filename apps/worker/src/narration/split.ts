/** The longest input /v1/audio/speech takes in one call. */
export const SPEECH_INPUT_LIMIT = 4096

/**
 * Splits text into pieces of at most `limit` characters, at sentence boundaries (a sentence
 * longer than the limit is cut at the last space before it, or hard as a last resort). Joined
 * with single spaces, the pieces are the text with its whitespace normalised.
 */
export function splitForSpeech(text: string, limit = SPEECH_INPUT_LIMIT): string[] {
  const sentences = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?…]["'”’)]*)\s+/u)
    .filter(Boolean)
  const pieces: string[] = []
  let current = ''
  const push = (sentence: string) => {
    if (current && current.length + 1 + sentence.length <= limit) current = `${current} ${sentence}`
    else {
      if (current) pieces.push(current)
      current = sentence
    }
  }
  for (let sentence of sentences) {
    while (sentence.length > limit) {
      const space = sentence.lastIndexOf(' ', limit)
      const cut = space > 0 ? space : limit
      push(sentence.slice(0, cut))
      sentence = sentence.slice(cut).trimStart()
    }
    if (sentence) push(sentence)
  }
  if (current) pieces.push(current)
  return pieces
}
