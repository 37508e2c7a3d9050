import type { Migration } from 'kysely/migration'
import * as initial from './2026-11-24T00-00_initial.ts'
import * as pipelineWritePath from './2026-11-28T00-00_pipeline_write_path.ts'
import * as drawnImagesByJob from './2026-12-01T12-00_drawn_images_by_job.ts'
import * as sessions from './2026-12-01T18-00_sessions.ts'
import * as moderation from './2026-12-01T21-00_moderation.ts'
import * as storyLanguageCast from './2026-12-02T01-00_story_language_cast.ts'
import * as mediaObjects from './2026-12-02T03-00_media_objects.ts'
import * as narration from './2026-12-02T06-00_narration.ts'
import * as storyOutline from './2026-12-02T07-00_story_outline.ts'
import * as imageVariantsStep from './2026-12-02T13-00_image_variants_step.ts'

// Every migration, by name, in order. Listed explicitly so that bundling or type stripping can never
// lose one; names are dated so they sort.
export const migrations: Record<string, Migration> = {
  '2026-11-24T00-00_initial': initial,
  '2026-11-28T00-00_pipeline_write_path': pipelineWritePath,
  '2026-12-01T12-00_drawn_images_by_job': drawnImagesByJob,
  '2026-12-01T18-00_sessions': sessions,
  '2026-12-01T21-00_moderation': moderation,
  '2026-12-02T01-00_story_language_cast': storyLanguageCast,
  '2026-12-02T03-00_media_objects': mediaObjects,
  '2026-12-02T06-00_narration': narration,
  '2026-12-02T07-00_story_outline': storyOutline,
  '2026-12-02T13-00_image_variants_step': imageVariantsStep,
}
