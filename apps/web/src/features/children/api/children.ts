import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ApiSchemas, api, unwrap } from '../../../lib/api-client.ts'
import { childrenQueryKey } from '../../../lib/shared-queries.ts'

type Paths = import('../../../lib/api-schema').paths
export type ChildFields = NonNullable<Paths['/api/children']['post']['requestBody']>['content']['application/json']
export type Child = Awaited<ReturnType<typeof fetchChild>>
export type { ApiSchemas }

const fetchChild = async (childId: string) =>
  (await unwrap(api.GET('/api/children/{child_id}', { params: { path: { child_id: childId } } }))).child

export const useChild = (childId: string | undefined) =>
  useQuery({
    queryKey: [...childrenQueryKey, childId],
    queryFn: () => fetchChild(childId!),
    enabled: childId !== undefined,
  })

export function useSaveChild(childId: string | undefined) {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: (fields: ChildFields) =>
      childId
        ? unwrap(api.PATCH('/api/children/{child_id}', { params: { path: { child_id: childId } }, body: fields }))
        : unwrap(api.POST('/api/children', { body: fields })),
    onSuccess: () => queries.invalidateQueries({ queryKey: childrenQueryKey }),
  })
}

export function useDeleteChild() {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: (childId: string) =>
      unwrap(api.DELETE('/api/children/{child_id}', { params: { path: { child_id: childId } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: childrenQueryKey }),
  })
}
