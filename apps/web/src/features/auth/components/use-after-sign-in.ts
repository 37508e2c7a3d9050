import { useNavigate, useSearchParams } from 'react-router'

/** Where to go once signed in: back to the protected page that sent the parent here, else home. */
export function useAfterSignIn() {
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const next = params.get('next')
  // Only a path of this app: never an absolute URL someone put in the link.
  const target = next?.startsWith('/') && !next.startsWith('//') ? next : '/'
  return () => navigate(target, { replace: true })
}
