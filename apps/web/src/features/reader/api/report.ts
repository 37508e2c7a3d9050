import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../../lib/api-client.ts'
import { storyQueryKey } from '../../../lib/shared-queries.ts'

type Paths = import('../../../lib/api-schema').paths
export type StoryReport = Paths['/api/stories/{story_id}/report']['post']['requestBody']['content']['application/json']

/** "Report this story": the story's safety summary counts the report once it is in. */
export function useReportStory(storyId: string) {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: (report: StoryReport) =>
      unwrap(api.POST('/api/stories/{story_id}/report', { params: { path: { story_id: storyId } }, body: report })),
    onSuccess: () => queries.invalidateQueries({ queryKey: storyQueryKey(storyId) }),
  })
}
