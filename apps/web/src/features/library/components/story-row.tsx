import { Link } from 'react-router'
import { ConfirmButton } from '../../../components/confirm-button.tsx'
import { Thumbnail } from '../../../components/thumbnail.tsx'
import type { StorySummary } from '../api/library.ts'

const STATUS_WORDS: Record<string, string> = {
  queued: 'Waiting',
  running: 'Being made',
  completed: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
}
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

export function StoryRow({
  story,
  onDelete,
  deleting,
}: {
  story: StorySummary
  onDelete: () => void
  deleting: boolean
}) {
  const title = story.title ?? 'A story in the making'
  return (
    <li className="card story-row">
      {story.cover_image_url ? (
        <Thumbnail src={story.cover_image_url} srcSet={story.cover_image_srcset} />
      ) : (
        <span className="thumb thumb-pending" aria-hidden="true" />
      )}
      <div className="story-row-text">
        <h2>
          <Link
            lang={story.language}
            dir={story.direction}
            to={story.status === 'completed' ? `/stories/${story.story_id}/read/1` : `/stories/${story.story_id}`}
          >
            {title}
          </Link>
        </h2>
        <p>
          {STATUS_WORDS[story.status] ?? story.status} ·{' '}
          <time dateTime={story.created_at}>{dateFormat.format(new Date(story.created_at))}</time>
        </p>
      </div>
      {/* One short word beside each story; its accessible name says which story it deletes. */}
      <ConfirmButton
        label="Delete"
        name={`Delete ${title}`}
        question={`Delete "${title}" for good?`}
        confirmLabel="Yes, delete"
        busy={deleting}
        onConfirm={onDelete}
      />
    </li>
  )
}
