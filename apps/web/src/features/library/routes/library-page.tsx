import { useState } from 'react'
import { Link } from 'react-router'
import { ActionButton } from '../../../components/action-button.tsx'
import { SelectField } from '../../../components/fields.tsx'
import { ErrorNotice, Loading } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { useChildren } from '../../../lib/shared-queries.ts'
import { useDeleteStory, useLibrary } from '../api/library.ts'
import { StoryRow } from '../components/story-row.tsx'

export default function LibraryPage() {
  const children = useChildren()
  const [chosen, setChosen] = useState<string>()
  const childId = chosen ?? children.data?.[0]?.id
  const library = useLibrary(childId)
  const remove = useDeleteStory(childId ?? '')

  if (children.isPending) return <Loading what="your children" />
  if (!children.data) return <ErrorNotice error={children.error} />
  if (children.data.length === 0)
    return (
      <Page title="Library">
        <p>
          No stories yet: <Link to="/children/new">add a child</Link> first.
        </p>
      </Page>
    )

  const stories = library.data?.pages.flatMap((page) => page.stories) ?? []
  return (
    <Page title="Library">
      <SelectField
        label="Stories for"
        name="child"
        options={children.data.map((child) => ({ value: child.id, label: child.name }))}
        value={childId!}
        onChange={setChosen}
      />
      {library.isPending && <Loading what="the stories" />}
      <ErrorNotice error={library.error ?? remove.error} />
      {library.data && stories.length === 0 && (
        <p>
          No stories yet. <Link to={`/stories/new?child=${childId}`}>Make the first one</Link>.
        </p>
      )}
      <ul className="story-list">
        {stories.map((story) => (
          <StoryRow
            key={story.story_id}
            story={story}
            deleting={remove.isPending}
            onDelete={() => remove.mutate(story.story_id)}
          />
        ))}
      </ul>
      {library.hasNextPage && (
        <ActionButton quiet busy={library.isFetchingNextPage} onClick={() => library.fetchNextPage()}>
          Load more
        </ActionButton>
      )}
    </Page>
  )
}
