import { Link } from 'react-router'
import { ErrorNotice, Loading } from '../../../components/notices.tsx'
import { Page } from '../../../components/page.tsx'
import { useChildren } from '../../../lib/shared-queries.ts'
import { ChildCard } from '../components/child-card.tsx'

export function ChildrenPage() {
  const children = useChildren(true)
  return (
    <Page title="Your children">
      <p>
        <Link className="button" to="/children/new">
          Add a child
        </Link>
      </p>
      {children.isPending && <Loading what="your children" />}
      <ErrorNotice error={children.error} />
      {children.data?.length === 0 && <p>Add a child to make their first story.</p>}
      {children.data && children.data.length > 0 && (
        <ul className="card-grid">
          {children.data.map((child) => (
            <ChildCard key={child.id} child={child} />
          ))}
        </ul>
      )}
    </Page>
  )
}
