import { type FormEvent, useId, useState } from 'react'
import { RadioGroup } from '../../../components/fields.tsx'
import { FormSubmit } from '../../../components/form-submit.tsx'
import { useOptions } from '../../../lib/shared-queries.ts'
import { type StoryReport, useReportStory } from '../api/report.ts'

interface ReportStoryProps {
  storyId: string
  /** how many reports the parent has sent for this story (its safety summary) */
  reports: number
}

/**
 * "Report this story": a parent says why a story is not right for their child, with the reasons
 * GET /api/options lists and a note if they like. A disclosure, since it is rarely needed.
 */
export function ReportStory({ storyId, reports }: ReportStoryProps) {
  const options = useOptions()
  const report = useReportStory(storyId)
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const id = useId()

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const note = String(new FormData(event.currentTarget).get('note') ?? '').trim()
    const sent = { reason: reason as StoryReport['reason'], note: note || null }
    report.mutate(sent, {
      onSuccess: () => {
        setOpen(false)
        setReason('')
      },
    })
  }

  return (
    <section className="report-story" aria-label="Report this story">
      {report.isSuccess && !open && <p role="status">Thank you. Your report is sent.</p>}
      {!report.isSuccess && reports > 0 && <p>You have reported this story.</p>}
      <button
        type="button"
        className="button button-quiet"
        aria-expanded={open}
        aria-controls={`${id}-form`}
        onClick={() => setOpen(!open)}
      >
        Report this story
      </button>
      {open && (
        <form id={`${id}-form`} className="form" onSubmit={submit}>
          <RadioGroup
            label="What is wrong with it?"
            name="reason"
            options={options.data?.report_reasons ?? []}
            value={reason}
            onChange={setReason}
          />
          <div className="field">
            <label htmlFor={`${id}-note`}>Anything to add? (optional)</label>
            <textarea id={`${id}-note`} name="note" rows={3} maxLength={1000} />
          </div>
          <FormSubmit error={report.error} busy={report.isPending} disabled={!reason}>
            Send report
          </FormSubmit>
        </form>
      )}
    </section>
  )
}
