import { Link } from 'react-router'
import type { Child } from '../api/children.ts'

export function ChildCard({ child }: { child: Child }) {
  return (
    <li className="card child-card">
      <div className="avatar">
        {child.avatar_url ? (
          <img
            src={child.avatar_url}
            srcSet={child.avatar_srcset ?? undefined}
            sizes="160px"
            alt={child.name}
            width={160}
            height={160}
            className="fade-in"
          />
        ) : (
          <span className="avatar-pending" role="status">
            Drawing…
          </span>
        )}
      </div>
      <h2>{child.name}</h2>
      <div className="card-actions">
        <Link className="button" to={`/stories/new?child=${child.id}`} aria-label={`New story for ${child.name}`}>
          New story
        </Link>
        <Link className="button button-quiet" to={`/children/${child.id}/edit`} aria-label={`Edit ${child.name}`}>
          Edit
        </Link>
      </div>
    </li>
  )
}
