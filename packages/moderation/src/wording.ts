// How a refusal reads to a parent: the theme in plain words, never the word lists.
const PLAIN_WORDS: Record<string, string> = {
  profanity: 'rude words',
  gore: 'blood or injuries',
  weapons_used_on_people: 'weapons or hurting people',
  death_of_a_parent: 'the death of a parent or someone close',
  sexual_content: 'grown-up or sexual content',
  drugs: 'drugs, alcohol or smoking',
  self_harm: 'self-harm',
  horror: 'horror or very scary things',
}

/** "blood or injuries and horror or very scary things" for the categories a check found. */
export function describeCategories(categories: ReadonlyArray<{ category: string }>): string {
  const words = [...new Set(categories.map(({ category }) => PLAIN_WORDS[category] ?? category.replace(/[_/]/g, ' ')))]
  if (words.length <= 1) return words[0] ?? 'something unsuitable'
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}
