import type { Job } from '../api/stories.ts'

const STAGE_WORDS: Record<string, string> = {
  queued: 'Waiting for a storyteller…',
  writing: 'Writing the chapters…',
  illustrating: 'Drawing the pictures…',
  saving: 'Putting the book together…',
  done: 'The story is ready.',
}

export function describeJob(job: Job): string {
  if (job.status === 'failed')
    return `The story could not be finished: ${job.error?.message ?? 'something went wrong'}.`
  if (job.status === 'cancelled') return 'The story was cancelled.'
  if (job.status === 'completed') return STAGE_WORDS.done!
  return STAGE_WORDS[job.progress.stage] ?? 'Working…'
}

export function ProgressBar({ job }: { job: Job }) {
  const percent = job.progress.percent
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Story progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
      >
        <progress className="progress-fill" max={100} value={percent} aria-hidden="true" />
      </div>
      <p className="progress-stage" aria-live="polite">
        {describeJob(job)} <span className="percent">{percent}%</span>
      </p>
    </div>
  )
}
