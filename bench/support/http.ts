// HTTP
import { ApiClient as ParentClient } from '@dreamify/testkit'

/** A parent with one child, posting stories for it (over the testkit's client, with more patience). */
export class ApiClient {
  readonly parent: ParentClient
  childId = ''

  constructor(base: string) {
    this.parent = new ParentClient(base, { timeoutMs: 30_000 })
  }

  get token() {
    return this.parent.token
  }

  request(method: string, path: string, body?: unknown) {
    return this.parent.request(method, path, body)
  }

  /** Registers, logs in and adds one child. */
  async setUp(name = 'Bench') {
    await this.parent.signUp(name)
    this.childId = (await this.parent.addChild()).child.id
    return this
  }

  async requestStory(topic?: string): Promise<{ jobId: string; storyId: string }> {
    const response = await this.parent.requestStory(this.childId, topic)
    if (response.status !== 202) throw new Error(`POST /api/stories: ${response.status} ${response.text}`)
    return { jobId: response.json.job_id, storyId: response.json.story_id }
  }
}

export async function parents(base: string, count: number): Promise<ApiClient[]> {
  const list: ApiClient[] = []
  for (let i = 0; i < count; i++) list.push(await new ApiClient(base).setUp(`Bench${i}`))
  return list
}

/** Posts `count` stories round-robin over the parents, `concurrency` at a time. */
export async function postStories(
  clients: ApiClient[],
  count: number,
  concurrency = 16,
  topic?: (i: number) => string,
) {
  const jobs: string[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++
        jobs[i] = (await clients[i % clients.length]!.requestStory(topic?.(i))).jobId
      }
    }),
  )
  return jobs
}
