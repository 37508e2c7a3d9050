import { useState } from 'react'
import { Link, useParams } from 'react-router'
import { ActionButton } from '../../../components/action-button.tsx'
import { ErrorNotice, Loading } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { isFinished, useStory } from '../../../lib/shared-queries.ts'
import { useJobEvents } from '../api/job-events.ts'
import { useJob, useStoryAction } from '../api/stories.ts'
import { ChapterList } from '../components/chapter-list.tsx'
import { ProgressBar } from '../components/progress-bar.tsx'

const POLL_MS = 1000
/** While the stream carries the news, a slow poll only guards against a silent stream. */
const STREAMING_POLL_MS = 10_000

export default function StoryProgressPage() {
  const storyId = useParams().storyId!
  const [attempt, setAttempt] = useState(0)
  const [transport, setTransport] = useState<'stream' | 'poll'>('stream')
  const interval = transport === 'poll' ? POLL_MS : STREAMING_POLL_MS
  const story = useStory(storyId, transport === 'poll' ? POLL_MS : false)
  const jobId = story.data?.job_id
  const job = useJob(jobId, interval)
  const finished = job.data ? isFinished(job.data.status) : false
  const live = useJobEvents(jobId, storyId, finished, attempt)
  if (live !== transport) setTransport(live)
  const cancel = useStoryAction(storyId, 'cancel')
  const retry = useStoryAction(storyId, 'retry')

  if (story.isPending) return <Loading what="the story" />
  if (!story.data) return <ErrorNotice error={story.error} />
  const { chapters, title } = story.data
  const status = job.data?.status ?? story.data.status

  return (
    <Page title={title ?? 'Making the story…'}>
      <p className="topic">About {story.data.topic}</p>
      {job.data && <ProgressBar job={job.data} />}
      <div className="actions">
        {chapters.length > 0 && (
          <Link className="button" to={`/stories/${storyId}/read/1`}>
            Start reading
          </Link>
        )}
        {(status === 'queued' || status === 'running') && (
          <ActionButton quiet busy={cancel.isPending} onClick={() => cancel.mutate()}>
            Cancel story
          </ActionButton>
        )}
        {(status === 'failed' || status === 'cancelled') && (
          <ActionButton
            busy={retry.isPending}
            onClick={() => retry.mutate(undefined, { onSuccess: () => setAttempt((n) => n + 1) })}
          >
            Try again
          </ActionButton>
        )}
      </div>
      <ErrorNotice error={cancel.error ?? retry.error ?? job.error} />
      <h2>Chapters</h2>
      <ChapterList chapters={chapters} />
    </Page>
  )
}
