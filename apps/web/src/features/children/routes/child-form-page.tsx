import { useNavigate, useParams } from 'react-router'
import { ConfirmButton } from '../../../components/confirm-button.tsx'
import { ErrorNotice, Loading } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { useChild, useDeleteChild, useSaveChild } from '../api/children.ts'
import { ChildForm } from '../components/child-form.tsx'

export default function ChildFormPage() {
  const { childId } = useParams()
  const navigate = useNavigate()
  const child = useChild(childId)
  const save = useSaveChild(childId)
  const remove = useDeleteChild()

  if (childId && child.isPending) return <Loading what="the profile" />
  if (childId && !child.data) return <ErrorNotice error={child.error} />
  const name = child.data?.name
  return (
    <Page title={name ? `Edit ${name}` : 'Add a child'} className="narrow">
      <ChildForm
        child={child.data}
        busy={save.isPending}
        error={save.error}
        onSave={(fields) => save.mutate(fields, { onSuccess: () => navigate('/') })}
      />
      {childId && name && (
        <section className="danger-zone" aria-labelledby="delete-child">
          <h2 id="delete-child">Delete {name}'s profile</h2>
          <p>Their stories and pictures are deleted too.</p>
          <ConfirmButton
            label={`Delete ${name}`}
            question={`Delete ${name} and all their stories?`}
            confirmLabel="Yes, delete"
            busy={remove.isPending}
            onConfirm={() => remove.mutate(childId, { onSuccess: () => navigate('/') })}
          />
          <ErrorNotice error={remove.error} />
        </section>
      )}
    </Page>
  )
}
