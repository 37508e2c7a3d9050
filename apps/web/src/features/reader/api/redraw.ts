import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../../lib/api-client.ts'
import { storyQueryKey } from '../../../lib/shared-queries.ts'

/** "Draw again" for a chapter whose picture failed. */
export function useRedraw(storyId: string) {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: (number: number) =>
      unwrap(
        api.POST('/api/stories/{story_id}/chapters/{number}/image', {
          params: { path: { story_id: storyId, number } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: storyQueryKey(storyId) }),
  })
}
