import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { api, unwrap } from '../../../lib/api-client.ts'
import { isFinished, storyQueryKey } from '../../../lib/shared-queries.ts'
import { jobQueryKey } from './stories.ts'

const EVENTS = ['stage', 'chapter_written', 'chapter_illustrated', 'completed', 'failed', 'cancelled']

export type Transport = 'stream' | 'poll'

/**
 * Follows a story's job by Server-Sent Events, writing what they say into the same query cache the
 * polls fill. When the stream cannot be opened or breaks, it answers 'poll' and the caller polls.
 * `attempt` starts a new stream (after a retry, for the same job id).
 */
export function useJobEvents(jobId: string | undefined, storyId: string, finished: boolean, attempt: number) {
  const queries = useQueryClient()
  const [transport, setTransport] = useState<Transport>('stream')

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt opens a new stream for the same job
  useEffect(() => {
    if (!jobId || finished) return
    setTransport('stream')
    let source: EventSource | undefined
    let ended = false
    const fallBack = () => {
      source?.close()
      if (!ended) setTransport('poll')
    }
    const open = async () => {
      const { token } = await unwrap(
        api.POST('/api/jobs/{job_id}/events-token', { params: { path: { job_id: jobId } } }),
      )
      if (ended) return
      source = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events?token=${encodeURIComponent(token)}`)
      for (const name of EVENTS)
        source.addEventListener(name, (event) => {
          const data = JSON.parse((event as MessageEvent<string>).data) as { status?: string }
          if (name === 'stage' || isFinished(name)) queries.setQueryData(jobQueryKey(jobId), data)
          if (name !== 'stage') void queries.invalidateQueries({ queryKey: storyQueryKey(storyId) })
          if (isFinished(name)) {
            ended = true
            source?.close()
          }
        })
      source.onerror = fallBack
    }
    open().catch(fallBack)
    return () => {
      ended = true
      source?.close()
    }
  }, [jobId, storyId, finished, attempt, queries])

  return transport
}
