import { type ReactNode, useEffect } from 'react'

/** A screen's h1 and document title. */
export function Page({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  useEffect(() => {
    document.title = `${title} · Dreamify`
  }, [title])
  return (
    <div className={`page ${className ?? ''}`}>
      <h1>{title}</h1>
      {children}
    </div>
  )
}
