import { type FormEvent, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { RadioGroup, SelectField, TextField } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { ErrorNotice, Loading } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { ApiError } from '../../../lib/api-client.ts'
import { preferredLanguage } from '../../../lib/languages.ts'
import { useChildren, useMe, useOptions } from '../../../lib/shared-queries.ts'
import { type StoryRequest, useRequestStory } from '../api/stories.ts'

/** How the story looks: each picked from a list GET /api/options gives, its first until the parent picks. */
const LOOKS = [
  { field: 'story_genre', label: 'Kind of story', list: 'story_genres' },
  { field: 'image_style', label: 'Illustration style', list: 'image_styles' },
] as const
type Look = (typeof LOOKS)[number]

export default function NewStoryPage() {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const children = useChildren()
  const options = useOptions()
  const me = useMe()
  const request = useRequestStory()
  const [childId, setChildId] = useState(params.get('child') ?? '')
  const [looks, setLooks] = useState<Partial<Record<Look['field'], string>>>({})
  // '' = not picked: the language follows the chosen child
  const [language, setLanguage] = useState('')
  // '' = not read aloud (narration costs money, so it is asked for)
  const [voice, setVoice] = useState('')

  if (children.isPending || options.isPending || me.isPending) return <Loading what="the story options" />
  if (!children.data || !options.data) return <ErrorNotice error={children.error ?? options.error} />
  if (children.data.length === 0)
    return (
      <Page title="New story">
        <p>
          First <Link to="/children/new">add a child</Link>: the story is about them.
        </p>
      </Page>
    )

  const child = childId || children.data[0]!.id
  const lookOf = ({ field, list }: Look) => looks[field] || options.data[list][0]!.value
  // The API's default: the child's preferred language, else the parent's, else English.
  const languages = options.data.languages
  const childLanguage = children.data.find((c) => c.id === child)?.language
  const storyLanguage = language || preferredLanguage(languages, childLanguage, me.data?.language)
  const error = request.error
  const field = error instanceof ApiError ? error.field : undefined
  const languageError = error instanceof ApiError && field === 'language' ? error.message : undefined
  // A refused topic (422) is the topic's error even when the message names no field.
  const topicError =
    error instanceof ApiError && (field === 'topic' || (error.status === 422 && !field)) ? error.message : undefined

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const topic = String(new FormData(event.currentTarget).get('topic'))
    const body = {
      child_id: child,
      topic,
      ...Object.fromEntries(LOOKS.map((look) => [look.field, lookOf(look)])),
      language: storyLanguage,
      ...(voice ? { narration: { voice } } : {}),
    } as StoryRequest
    request.mutate(body, { onSuccess: (accepted) => navigate(`/stories/${accepted.story_id}`) })
  }

  return (
    <Page title="New story" className="narrow">
      <form className="card form" onSubmit={submit}>
        <SelectField
          label="For"
          name="child_id"
          options={children.data.map((c) => ({ value: c.id, label: c.name }))}
          value={child}
          onChange={setChildId}
        />
        <TextField
          label="Topic"
          name="topic"
          hint="What should tonight's story be about? For example: a lost red balloon."
          error={topicError}
        />
        {LOOKS.map((look) => (
          <RadioGroup
            key={look.field}
            label={look.label}
            name={look.field}
            options={options.data[look.list]}
            value={lookOf(look)}
            onChange={(next) => setLooks((current) => ({ ...current, [look.field]: next }))}
          />
        ))}
        {languages.length > 1 && (
          <SelectField
            label="Language"
            name="language"
            options={languages}
            value={storyLanguage}
            onChange={setLanguage}
            error={languageError}
          />
        )}
        {options.data.narration.available && (
          <SelectField
            label="Read aloud"
            name="narration"
            options={[{ value: '', label: 'No, I will read it' }, ...options.data.narration.voices]}
            value={voice}
            onChange={setVoice}
          />
        )}
        <FormSubmit error={topicError || languageError ? null : error} busy={request.isPending}>
          Make the story
        </FormSubmit>
      </form>
    </Page>
  )
}
