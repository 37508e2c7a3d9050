import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../../lib/api-client.ts'
import { isFinished, storyQueryKey } from '../../../lib/shared-queries.ts'

type Paths = import('../../../lib/api-schema').paths
export type StoryRequest = Paths['/api/stories']['post']['requestBody']['content']['application/json']

export const jobQueryKey = (jobId: string) => ['jobs', jobId]
const fetchJob = (jobId: string) => unwrap(api.GET('/api/jobs/{job_id}', { params: { path: { job_id: jobId } } }))
export type Job = Awaited<ReturnType<typeof fetchJob>>

export const useJob = (jobId: string | undefined, refetchInterval: number | false) =>
  useQuery({
    queryKey: jobQueryKey(jobId ?? ''),
    queryFn: () => fetchJob(jobId!),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data.status) ? false : refetchInterval),
  })

export const useRequestStory = () =>
  useMutation({ mutationFn: (body: StoryRequest) => unwrap(api.POST('/api/stories', { body })) })

/** Cancel or retry: afterwards the story and its job are read again. */
export function useStoryAction(storyId: string, action: 'cancel' | 'retry') {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: () =>
      action === 'cancel'
        ? unwrap(api.POST('/api/stories/{story_id}/cancel', { params: { path: { story_id: storyId } } }))
        : unwrap(api.POST('/api/stories/{story_id}/retry', { params: { path: { story_id: storyId } } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: storyQueryKey(storyId) })
      await queries.invalidateQueries({ queryKey: ['jobs'] })
    },
  })
}
