// Text clean-up shared by the JSON and tagged parsers, so both formats yield identical drafts.

/** Normalises line endings and whitespace; paragraphs are joined with a blank line, line breaks inside kept. */
export function tidyParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '')
    .join('\n\n')
}

// "The end." in the languages we write (Spanish "Fin", Arabic "النهاية" / "تمت", Hebrew "הסוף"…).
const THE_END = '(?:the\\s+end|el\\s+fin|fin|la\\s+fin|ende|النهاية|تمت|הסוף|конец)'
const THE_END_PARAGRAPH = new RegExp(`^[*_#\\s]*${THE_END}[.!…]*[*_\\s]*$`, 'iu')
const THE_END_AFTER_LAST_SENTENCE = new RegExp(`([.!?…。]["”’'»]?)\\s+[*_]*${THE_END}[.!…]*[*_]*$`, 'iu')
// Models sometimes sign off after the story; these openings never start a paragraph of a third-person bedtime story.
const ASSISTANT_CHATTER =
  /^[*_\s]*(?:I hope|I've |I have (?:written|created)|Let me know|Would you like|Feel free|Hope you|Enjoy (?:the|this|your) story|Note:|\(?Word count)/i

/** Drops a closing "The end." and any sign-off after it from the last chapter's (already tidied) content. */
export function finishLastChapterContent(content: string): string {
  let paragraphs = content === '' ? [] : content.split('\n\n')
  const theEndAt = paragraphs.findIndex((paragraph) => THE_END_PARAGRAPH.test(paragraph))
  if (theEndAt >= 0) {
    paragraphs = paragraphs.slice(0, theEndAt)
  }
  while (paragraphs.length > 1 && ASSISTANT_CHATTER.test(paragraphs[paragraphs.length - 1] ?? '')) {
    paragraphs.pop()
  }
  const last = paragraphs.pop()
  if (last !== undefined) {
    paragraphs.push(last.replace(THE_END_AFTER_LAST_SENTENCE, '$1'))
  }
  return paragraphs.join('\n\n')
}

/** Strips markdown emphasis/heading markers and wrapping double quotes from a title value. */
export function cleanTitle(value: string): string {
  const unmarked = value.replace(/\s+/g, ' ').replace(/^[\s*_#]+|[\s*_#]+$/g, '')
  const quoted = /^["“](.*)["”]$/.exec(unmarked)
  return (quoted?.[1] ?? unmarked).trim()
}

export function looksLikeTitle(line: string): boolean {
  return line.length > 0 && line.length <= 80 && !line.includes('\n') && !/[.,;:"”’)]$/.test(line)
}
