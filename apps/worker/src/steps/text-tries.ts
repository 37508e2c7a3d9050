import type { Logger } from '@dreamify/core'
import { StoryFormatError } from '@dreamify/prompts'
import { ProviderError } from '../providers/index.ts'
import { contentFlagged, MAX_TEXT_FLAGS, StoryTextFlagged } from '../safety/story-text-screen.ts'

export interface TextTriesOptions {
  /** the moderator's flags the job already has (they outlive a retry of the step) */
  flags: number
  /** how many answers that do not parse fail the step for good */
  maxParseAttempts: number
  /** what a flag was on, for the log: `the outline` */
  flagged: string
  /** what the answer should have been, for the log: `an outline` */
  expected: string
  /** the same, for the error that gives up: `a valid 5-chapter outline` */
  unparseable: string
}

/**
 * The text steps' one policy for a try that failed, within one step (outline, story text, chapter):
 * a moderator's flag means a rewrite with stricter rules, until MAX_TEXT_FLAGS fails the story; an
 * answer that does not parse is asked for again, until `maxParseAttempts` of them fail it for good
 * (STORY_UNPARSEABLE). Anything else is thrown as it is.
 */
export function textTries(logger: Logger, options: TextTriesOptions) {
  let flags = options.flags
  let parseFailures = 0
  return {
    /** Before each try: throws when the flags are spent; says whether the rules are the stricter ones. */
    strict(): boolean {
      if (flags >= MAX_TEXT_FLAGS) throw contentFlagged()
      return flags > 0
    },
    /** After a try that threw: counts it when it is to be tried again, throws otherwise. */
    failed(error: unknown): void {
      if (error instanceof StoryTextFlagged) {
        flags++
        logger.warn({ target: error.target, flags }, `the moderator flagged ${options.flagged}; it was not saved`)
        return
      }
      if (!(error instanceof StoryFormatError)) throw error
      parseFailures++
      logger.warn(
        { reason: error.reason, attempt: parseFailures },
        `the provider answered something that is not ${options.expected}`,
      )
      if (parseFailures >= options.maxParseAttempts)
        throw new ProviderError(
          'permanent',
          'STORY_UNPARSEABLE',
          `the provider's answer was not ${options.unparseable} after ${options.maxParseAttempts} attempts`,
        )
    },
  }
}
