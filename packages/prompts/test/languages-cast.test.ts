import { describe, expect, it } from 'vitest'
import {
  buildImagePrompt,
  buildStory,
  buildStoryMessages,
  castInChapter,
  countWords,
  createStoryStreamParser,
  formatStory,
  loadStoryTemplates,
  parseStructuredStory,
  parseTaggedStory,
  type StoryStreamEvent,
} from '../src/index.ts'

const SPANISH = [
  '**Título:** Lía y el búho de la luna',
  'Personajes:',
  '- Pipo: a small round owl with soft grey feathers and big amber eyes',
  '- Nube Gruñona — a dark grey storm cloud with a sulky face',
  '',
  'Título del capítulo 1: Una llamada en la ventana',
  'Capítulo 1: Lía oyó un golpecito. Era Pipo, el búho.',
  '',
  'Capítulo dos, título: Sobre los tejados',
  'Capítulo 2: Volaron juntos sobre el pueblo dormido.',
  '',
  'Capítulo 3 título: A la cama',
  'Capítulo 3:',
  'La Nube Gruñona sonrió por fin, y Lía se durmió.',
  '',
  'Fin.',
].join('\n')

// With Arabic-Indic digits, ordinals and the right-to-left marks a model may put around labels.
const ARABIC = [
  '\u200fالعنوان: ليلى والبومة',
  'الشخصيات:',
  '- البومة: a small round owl with soft grey feathers',
  'عنوان الفصل ١: طرقة على النافذة',
  'الفصل ١: سمعت ليلى طرقة خفيفة، فإذا بالبومة عند النافذة.',
  'الفصل الثاني - العنوان: فوق السطوح',
  'الفصل ٢: طارتا معًا فوق القرية النائمة.',
  'عنوان الفصل ٣: إلى السرير',
  'الفصل ٣: ونامت ليلى.',
  '',
  'النهاية',
].join('\n')

describe('localised labels', () => {
  it('reads a tagged story with Spanish labels, its cast and "Fin."', () => {
    const draft = parseTaggedStory(SPANISH, 3)
    expect(draft.title).toBe('Lía y el búho de la luna')
    expect(draft.chapters.map((c) => c.title)).toEqual(['Una llamada en la ventana', 'Sobre los tejados', 'A la cama'])
    expect(draft.chapters[2]?.content).toBe('La Nube Gruñona sonrió por fin, y Lía se durmió.')
    expect(draft.cast).toEqual([
      { name: 'Pipo', description: 'a small round owl with soft grey feathers and big amber eyes' },
      { name: 'Nube Gruñona', description: 'a dark grey storm cloud with a sulky face' },
    ])
  })

  it('reads Arabic labels, Arabic-Indic digits and ordinals, and drops "النهاية"', () => {
    const draft = parseTaggedStory(ARABIC, 3)
    expect(draft.title).toBe('ليلى والبومة')
    expect(draft.chapters.map((c) => c.title)).toEqual(['طرقة على النافذة', 'فوق السطوح', 'إلى السرير'])
    expect(draft.chapters[2]?.content).toBe('ونامت ليلى.')
    expect(draft.cast).toEqual([{ name: 'البومة', description: 'a small round owl with soft grey feathers' }])
  })

  it('leaves a "Characters:" line inside a chapter alone', () => {
    const text = 'Title: T\nChapter 1 title: A\nChapter 1: Characters: only two.\nChapter 2 title: B\nChapter 2: End.'
    const draft = parseTaggedStory(text, 2)
    expect(draft.cast).toEqual([])
    expect(draft.chapters[0]?.content).toBe('Characters: only two.')
  })
})

describe('the cast while streaming', () => {
  const collect = (format: 'json' | 'tagged', text: string, chapters: number) => {
    const parser = createStoryStreamParser({ format, chapters })
    const events: StoryStreamEvent[] = []
    for (let at = 0; at < text.length; at += 7) events.push(...parser.push(text.slice(at, at + 7)))
    const end = parser.end()
    return { events: [...events, ...end.events], draft: end.draft }
  }

  it.each(['json', 'tagged'] as const)('comes out (%s) after the title and before chapter 1', (format) => {
    const story = buildStory(loadStoryTemplates(), { chapters: 3, language: 'es', genres: ['Fantasy'] })
    const { events, draft } = collect(format, formatStory(story, format), 3)
    expect(events.map((e) => e.type)).toEqual(['title', 'cast', 'chapter', 'chapter', 'chapter'])
    expect(draft.cast).toEqual(story.cast)
    expect(events[1]).toEqual({ type: 'cast', cast: story.cast })
  })

  it('reads the cast of a JSON answer and ignores a malformed one', () => {
    const chapters = [{ title: 'A', content: 'a' }]
    expect(parseStructuredStory(JSON.stringify({ title: 'T', cast: 'nobody', chapters }), 1).cast).toEqual([])
    const cast = [
      { name: ' Pip ', description: 'an owl' },
      { name: '', description: 'x' },
      { name: 'Pip', description: 'again' },
    ]
    expect(parseStructuredStory(JSON.stringify({ title: 'T', cast, chapters }), 1).cast).toEqual([
      { name: 'Pip', description: 'an owl' },
    ])
  })
})

describe('the cast in the image prompts', () => {
  const cast = [
    { name: 'Pip', description: 'a small round owl with amber eyes' },
    { name: 'búho', description: 'a tawny owl' },
    { name: 'البومة', description: 'a grey owl' },
    { name: 'Queen Cumulus', description: 'a queen made of cloud' },
  ]

  it('finds names as whole words, across accents, Arabic prefixes and a proper name’s first word', () => {
    expect(castInChapter(cast, 'Pip flew; Pipsqueak did not.').map((m) => m.name)).toEqual(['Pip'])
    expect(castInChapter(cast, 'Pipsqueak slept.')).toEqual([])
    expect(castInChapter(cast, 'El BUHO ululó.').map((m) => m.name)).toEqual(['búho'])
    expect(castInChapter(cast, 'وطارت بالبومة والبومةُ تضحك').map((m) => m.name)).toEqual(['البومة'])
    expect(castInChapter(cast, 'Queen Cumulus waved.').map((m) => m.name)).toEqual(['Queen Cumulus'])
    expect(castInChapter(cast, 'The Queen smiled.').map((m) => m.name)).toEqual(['Queen Cumulus'])
  })

  it('carries the members the chapter names, and only them', () => {
    const prompt = (content: string) =>
      buildImagePrompt({ character: 'a girl', chapter: { title: 'T', content }, style: 'Cartoon', cast })
    expect(prompt('Pip hooted at the moon.')).toContain(
      'Also in the picture (keep exactly these appearances): Pip: a small round owl with amber eyes.',
    )
    expect(prompt('The moon rose.')).not.toContain('Also in the picture')
  })

  it('leaves the names out for a story in another language, and draws the scene the text step gave', () => {
    const prompt = buildImagePrompt({
      character: 'a girl',
      chapter: { title: 'T', content: 'El búho ululó.', scene: 'A girl and an owl on a moonlit roof.' },
      style: 'Cartoon',
      cast,
      language: 'es',
    })
    expect(prompt).toContain('Scene: A girl and an owl on a moonlit roof.')
    expect(prompt).toContain('Also in the picture (keep exactly these appearances): a tawny owl.')
    expect(prompt).not.toContain('búho')
  })

  it('reads each chapter’s scene in both formats', () => {
    const tagged = parseTaggedStory(
      'Title: T\nChapter 1 title: A\nChapter 1 scene: An owl on a roof.\nChapter 1: Text.\nChapter 2 title: B\nChapter 2: More.',
      2,
    )
    expect(tagged.chapters.map((c) => c.scene)).toEqual(['An owl on a roof.', undefined])
    expect(tagged.chapters[0]?.content).toBe('Text.')
    const json = parseStructuredStory(
      JSON.stringify({ title: 'T', cast: [], chapters: [{ title: 'A', scene: ' A  roof. ', content: 'x' }] }),
      1,
    )
    expect(json.chapters[0]?.scene).toBe('A roof.')
  })
})

describe('the story in other languages', () => {
  const child = {
    name: 'Lía',
    age_range: '4-6',
    sex: 'Female',
    eye_color: 'Green',
    hair_type: 'Curly',
    hair_color: 'Red',
    ethnicity: 'Spanish',
    fav_animals: 'owls',
    fav_activities: null,
    fav_shows: null,
  } as const
  const request = (language: string) => ({
    child,
    topic: 'the moon',
    genre: 'Fantasy' as const,
    chapters: 3,
    format: 'json' as const,
    language,
  })

  it('asks for the text in the language and the cast descriptions in English', () => {
    const { system } = buildStoryMessages(request('es'))
    expect(system).toContain('the whole story in Spanish')
    expect(system).toContain('a short visual description in English')
    expect(system).toContain('about 1300 words in total')
    expect(buildStoryMessages(request('en')).system).not.toContain('the whole story in')
  })

  it('sizes a story without spaces in characters, and an Arabic one in fewer words', () => {
    expect(buildStoryMessages(request('zh')).system).toContain('about 1900 characters in total')
    expect(buildStoryMessages(request('ar')).system).toContain('about 900 words in total')
  })

  it('counts words in any script, and characters where there are no spaces', () => {
    expect(countWords('ليلى تحبّ البومة كثيرًا', 'ar')).toBe(5)
    expect(countWords('Лиса спит.', 'uk')).toBe(2)
    expect(countWords('月亮很亮', 'zh')).toBe(3)
  })

  it.each(['es', 'ar'])('tells the %s template with the hero’s grammatical gender', (language) => {
    const templates = loadStoryTemplates()
    const told = (gender: 'masculine' | 'feminine') =>
      JSON.stringify(buildStory(templates, { chapters: 5, language, values: { name: 'Noor', gender } }))
    const girl = told('feminine')
    const boy = told('masculine')
    expect(girl).not.toContain('{{')
    expect(girl).not.toBe(boy)
    expect(language === 'es' ? girl : boy).toContain(language === 'es' ? 'segura' : 'فكّر')
  })
})
