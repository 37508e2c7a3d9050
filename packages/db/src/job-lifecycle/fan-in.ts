import type { JobRow } from '../schema.ts'

/**
 * The fan-in: a story is done once every chapter's text is written (streamed in order, or one
 * chapter-text job each for an outlined story), every chapter's picture is settled and, when it is
 * narrated, every chapter's narration too. Whichever of those transitions comes last completes the
 * story; completeQuery checks the same in SQL.
 */
export const fanInDone = (
  job: Pick<
    JobRow,
    'chapters_written' | 'chapters_settled' | 'chapters_total' | 'narrations_settled' | 'narrations_total'
  >,
) =>
  job.chapters_written >= job.chapters_total &&
  job.chapters_settled >= job.chapters_total &&
  job.narrations_settled >= job.narrations_total
