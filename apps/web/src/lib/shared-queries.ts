// Queries more than one feature reads: the choices for each field, the signed-in parent and their
// children.
import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from './api-client.ts'

export const optionsQuery = {
  queryKey: ['options'],
  queryFn: () => unwrap(api.GET('/api/options')),
  staleTime: 3_600_000,
}
export const useOptions = () => useQuery(optionsQuery)

export const meQueryKey = ['me']
/** The signed-in parent: their names, email and preferred story language. */
export const useMe = () =>
  useQuery({ queryKey: meQueryKey, queryFn: async () => (await unwrap(api.GET('/api/auth/me'))).parent })

export const childrenQueryKey = ['children']
export const useChildren = (pollWhileDrawing = false) =>
  useQuery({
    queryKey: childrenQueryKey,
    queryFn: async () => (await unwrap(api.GET('/api/children'))).children,
    // A new child's avatar is drawn in the background: look again until every card has its picture.
    refetchInterval: (query) =>
      pollWhileDrawing && query.state.data?.some((child) => child.avatar_url === null) ? 1500 : false,
  })

export const storyQueryKey = (storyId: string) => ['stories', storyId]
export const fetchStory = (storyId: string) =>
  unwrap(api.GET('/api/stories/{story_id}', { params: { path: { story_id: storyId } } }))
export type Story = Awaited<ReturnType<typeof fetchStory>>
export type Chapter = Story['chapters'][number]

/** A story or job in one of these is done with: nothing more comes (each also names its final event). */
const FINISHED_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled']
export const isFinished = (status: string) => FINISHED_STATUSES.includes(status)

/** A story; `pollMs` reads it again that often until it is finished. */
export const useStory = (storyId: string, pollMs: number | false = false) =>
  useQuery({
    queryKey: storyQueryKey(storyId),
    queryFn: () => fetchStory(storyId),
    refetchInterval: (query) => (pollMs && !isFinished(query.state.data?.status ?? 'queued') ? pollMs : false),
  })
