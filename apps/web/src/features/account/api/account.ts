import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../../lib/api-client.ts'
import { changePassword, deleteAccount, listSessions, signOutOtherDevices, updateNames } from '../../../lib/session.ts'

const meKey = ['me']
const sessionsKey = ['sessions']

export const useMe = () =>
  useQuery({ queryKey: meKey, queryFn: async () => (await unwrap(api.GET('/api/auth/me'))).parent })

export const useSessions = () => useQuery({ queryKey: sessionsKey, queryFn: listSessions, retry: false })

export function useUpdateNames() {
  const queries = useQueryClient()
  return useMutation({ mutationFn: updateNames, onSuccess: () => queries.invalidateQueries({ queryKey: meKey }) })
}

export const useChangePassword = () =>
  useMutation({ mutationFn: (p: { current: string; next: string }) => changePassword(p.current, p.next) })

export function useSignOutOtherDevices() {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: signOutOtherDevices,
    onSuccess: () => queries.invalidateQueries({ queryKey: sessionsKey }),
  })
}

export function useDeleteAccount() {
  const queries = useQueryClient()
  return useMutation({ mutationFn: deleteAccount, onSuccess: () => queries.clear() })
}
