import { Component, type ReactNode } from 'react'
import { describeError } from '../lib/api-client.ts'

/** A failed call, said in words (never a blank screen). */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null
  return (
    <p className="notice notice-error" role="alert">
      {describeError(error)}
    </p>
  )
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  )
}

/** The last line of defence: a render error shows a way back instead of an empty page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }

  static getDerivedStateFromError() {
    return { failed: true }
  }

  override render() {
    if (!this.state.failed) return this.props.children
    return (
      <main className="page" id="main">
        <h1>Something went wrong</h1>
        <p>Please try again.</p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </main>
    )
  }
}
