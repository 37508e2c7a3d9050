import { ErrorNotice } from '../../../components/notices.tsx'
import { useSessions, useSignOutOtherDevices } from '../api/account.ts'

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function SessionsList() {
  const sessions = useSessions()
  const signOutOthers = useSignOutOtherDevices()
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <ErrorNotice error={sessions.error} />
      {sessions.data && (
        <ul className="sessions">
          {sessions.data.map((s) => (
            <li key={s.id}>
              {s.client || 'A browser'}
              {s.current ? ' (this device)' : ''}, last used {when.format(new Date(s.last_used_at))}
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={signOutOthers.error} />
      {signOutOthers.isSuccess && <p role="status">Your other devices are signed out.</p>}
      <button
        type="button"
        className="button button-quiet"
        onClick={() => signOutOthers.mutate()}
        disabled={signOutOthers.isPending}
      >
        Sign out other devices
      </button>
    </section>
  )
}
