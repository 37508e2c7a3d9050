import { Navigate, Outlet, useLocation } from 'react-router'
import { useSessionStatus } from '../lib/use-session.ts'
import { Loading } from './notices.tsx'

/** Protected screens: wait while the session is restored, else send the parent to sign in (and back after). */
export function RequireSession() {
  const status = useSessionStatus()
  const location = useLocation()
  if (status === 'restoring') return <Loading what="your account" />
  if (status === 'signed-out') {
    const next = encodeURIComponent(location.pathname + location.search)
    return <Navigate to={`/sign-in?next=${next}`} replace />
  }
  return <Outlet />
}
