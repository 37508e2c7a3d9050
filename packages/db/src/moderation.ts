import { type QueryCreator, sql } from 'kysely'
import type { Db, Tx } from './database.ts'
import type { Database, ModerationDecisionsTable } from './schema.ts'

export interface ModerationRecord {
  parent_id: string
  story_id: string | null
  job_id: string | null
  stage: ModerationDecisionsTable['stage']
  target: string
  moderator: ModerationDecisionsTable['moderator']
  decision: ModerationDecisionsTable['decision']
  categories: Array<{ category: string; score: number }>
}

/** A decision about a story's text or picture; the story and its parent come from the statement that writes it. */
export type StoryDecision = Omit<ModerationRecord, 'parent_id' | 'story_id'>

/** A request-time decision that let a field through (`topic`, `fav_shows`); the rest comes from the row it judged. */
export type RequestDecision = Pick<ModerationRecord, 'target' | 'moderator' | 'decision' | 'categories'>

/**
 * The rows of request-time decisions, as a `from` item (`d`), for the statement that saves what was
 * judged (the story with its job, the child) to insert into moderation_decisions in a CTE. One
 * parameter however many there are, so the statement's text never changes, and no round trip.
 */
export function requestDecisionRows(decisions: readonly RequestDecision[]) {
  return sql`jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb)
    as d(target text, moderator text, decision text, categories jsonb)`
}

/**
 * Inserts the decisions of a job that has no story (an avatar's), its parent taken from the job
 * row. A deleted job (its child or account erased) takes them with it: none is written.
 */
export function insertJobDecisions(db: QueryCreator<Database>, jobId: string, decisions: readonly StoryDecision[]) {
  return db
    .insertInto('moderation_decisions')
    .columns(['parent_id', 'story_id', 'job_id', 'stage', 'target', 'moderator', 'decision', 'categories'])
    .expression(sql`
      select j.parent_id, null, j.id, d.stage, d.target, d.moderator, d.decision, d.categories
      from jobs j,
        jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb)
          as d(stage text, target text, moderator text, decision text, categories jsonb)
      where j.id = ${jobId}
    `)
}

/**
 * Inserts a story's decisions, its parent taken from the story row (the worker knows only the ids).
 * One parameter however many there are, so the statement's text never changes; the lifecycle runs
 * it as a CTE of the statement that saves what was judged, so the audit trail costs no round trip.
 * A deleted story takes its decisions with it: none is written.
 */
export function insertStoryDecisions(db: QueryCreator<Database>, storyId: string, decisions: readonly StoryDecision[]) {
  return db
    .insertInto('moderation_decisions')
    .columns(['parent_id', 'story_id', 'job_id', 'stage', 'target', 'moderator', 'decision', 'categories'])
    .expression(sql`
      select s.parent_id, s.id, d.job_id, d.stage, d.target, d.moderator, d.decision, d.categories
      from stories s,
        jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb)
          as d(job_id text, stage text, target text, moderator text, decision text, categories jsonb)
      where s.id = ${storyId}
    `)
}

export interface SafetySummaryRow {
  checks: number
  flagged: number
  moderators: string[]
  flagged_targets: Array<{ stage: string; target: string; categories: Array<{ category: string; score: number }> }>
  reports: number
}

export const moderationRepository = {
  /** Records one decision (never the text that was checked). */
  async record(db: Db | Tx, record: ModerationRecord): Promise<void> {
    await db
      .insertInto('moderation_decisions')
      .values({ ...record, categories: JSON.stringify(record.categories) })
      .execute()
  },

  /** A story's decisions in one statement (see insertStoryDecisions). */
  async recordForStory(db: Db | Tx, storyId: string, decisions: readonly StoryDecision[]): Promise<void> {
    if (decisions.length > 0) await insertStoryDecisions(db, storyId, decisions).execute()
  },

  /** A storyless job's decisions (an avatar's) in one statement (see insertJobDecisions). */
  async recordForJob(db: Db | Tx, jobId: string, decisions: readonly StoryDecision[]): Promise<void> {
    if (decisions.length > 0) await insertJobDecisions(db, jobId, decisions).execute()
  },

  /**
   * What the text step's moderation needs to resume, in one round trip: how many times this job's
   * story text was flagged (the second flag fails the story), and which chapters (and whether a
   * title) are already saved: they passed when they were saved, and a rewrite's versions of them
   * are not shown while streaming.
   */
  async textScreenState(db: Db | Tx, jobId: string, storyId: string) {
    const { rows } = await sql<{ flags: number; saved: number[]; title_saved: boolean }>`
      select
        (select count(*)::int from moderation_decisions
          where job_id = ${jobId} and stage = 'story_text' and decision = 'flagged') as flags,
        coalesce((select array_agg(number order by number) from chapters where story_id = ${storyId}), '{}') as saved,
        coalesce((select title is not null from stories where id = ${storyId}), false) as title_saved
    `.execute(db)
    const row = rows[0]!
    return { flags: row.flags, savedChapters: new Set(row.saved), titleSaved: row.title_saved }
  },

  /** The parent-facing summary of a story's checks, and how many reports it has. */
  async summarise(db: Db | Tx, storyId: string): Promise<SafetySummaryRow> {
    const { rows } = await sql<SafetySummaryRow>`
      select
        count(*)::int as checks,
        (count(*) filter (where decision = 'flagged'))::int as flagged,
        coalesce(array_agg(distinct moderator) filter (where moderator is not null), '{}') as moderators,
        coalesce(jsonb_agg(jsonb_build_object('stage', stage, 'target', target, 'categories', categories) order by id)
          filter (where decision = 'flagged'), '[]'::jsonb) as flagged_targets,
        (select count(*)::int from story_reports where story_id = ${storyId}) as reports
      from moderation_decisions where story_id = ${storyId}
    `.execute(db)
    return rows[0]!
  },
}

export const storyReportRepository = {
  async create(db: Db | Tx, report: { story_id: string; parent_id: string; reason: string; note: string | null }) {
    return db.insertInto('story_reports').values(report).returning(['id', 'created_at']).executeTakeFirstOrThrow()
  },
}
