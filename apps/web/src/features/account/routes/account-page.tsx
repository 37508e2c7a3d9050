import { useState } from 'react'
import { ErrorNotice } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { downloadMyData } from '../../../lib/session.ts'
import { DeleteAccount } from '../components/delete-account.tsx'
import { PasswordForm } from '../components/password-form.tsx'
import { ProfileForm } from '../components/profile-form.tsx'
import { SessionsList } from '../components/sessions-list.tsx'

export default function AccountPage() {
  const [exportError, setExportError] = useState<unknown>(null)
  const [exporting, setExporting] = useState(false)
  return (
    <Page title="Account" className="narrow">
      <ProfileForm />
      <PasswordForm />
      <SessionsList />
      <section className="card" aria-labelledby="export-heading">
        <h2 id="export-heading">Your data</h2>
        <p>A zip file with your account, your children, every story and every picture.</p>
        <ErrorNotice error={exportError} />
        <button
          type="button"
          className="button button-quiet"
          disabled={exporting}
          onClick={async () => {
            setExporting(true)
            setExportError(null)
            await downloadMyData().catch(setExportError)
            setExporting(false)
          }}
        >
          Download my data
        </button>
      </section>
      <DeleteAccount />
    </Page>
  )
}
