import { NavLink, Outlet, useNavigate } from 'react-router'
import { signOut } from '../lib/session.ts'
import { useSessionStatus } from '../lib/use-session.ts'

export function Layout() {
  const status = useSessionStatus()
  const navigate = useNavigate()
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand">
          Dreamify
        </NavLink>
        {status === 'signed-in' && (
          <nav aria-label="Main">
            <NavLink to="/">Children</NavLink>
            <NavLink to="/stories/new">New story</NavLink>
            <NavLink to="/library">Library</NavLink>
            <NavLink to="/account">Account</NavLink>
            <button
              type="button"
              className="link-button"
              onClick={async () => {
                await signOut()
                navigate('/sign-in')
              }}
            >
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  )
}
