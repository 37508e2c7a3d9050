import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../../lib/api-client.ts'

const libraryKey = (childId: string) => ['library', childId]

/** A child's stories, newest first, one page at a time (following next_cursor). */
export const useLibrary = (childId: string | undefined) =>
  useInfiniteQuery({
    queryKey: libraryKey(childId ?? ''),
    enabled: childId !== undefined,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/children/{child_id}/stories', {
          params: { path: { child_id: childId! }, query: { limit: 10, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })

export type StorySummary = NonNullable<ReturnType<typeof useLibrary>['data']>['pages'][number]['stories'][number]

export function useDeleteStory(childId: string) {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: (storyId: string) =>
      unwrap(api.DELETE('/api/stories/{story_id}', { params: { path: { story_id: storyId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: libraryKey(childId) }),
  })
}
