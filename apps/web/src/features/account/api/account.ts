import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  changePassword,
  deleteAccount,
  listSessions,
  signOutOtherDevices,
  updateProfile,
} from '../../../lib/session.ts'
import { meQueryKey } from '../../../lib/shared-queries.ts'

const sessionsKey = ['sessions']

export const useSessions = () => useQuery({ queryKey: sessionsKey, queryFn: listSessions, retry: false })

export function useUpdateProfile() {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: updateProfile,
    onSuccess: () => queries.invalidateQueries({ queryKey: meQueryKey }),
  })
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
