// The demo's one-line progress display, as pure functions.

export interface ProgressState {
  /** the job's stage: queued, planning, writing, illustrating, saving, done */
  stage: string
  /** 0–100 */
  percent: number
  chaptersTotal: number
  chaptersWritten: number
  chaptersIllustrated: number
  elapsedMs: number
}

export interface ProgressOptions {
  /** characters inside the brackets */
  barWidth?: number
  /** `#` and `-` instead of block characters (for logs and dumb terminals) */
  ascii?: boolean
}

/** 0:07, 1:05, 1:02:03 */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}

const clamp = (value: number, low: number, high: number) =>
  Math.min(high, Math.max(low, Number.isFinite(value) ? value : low))

/** `[██████░░░░░░]` with the given share filled. */
export function progressBar(percent: number, width = 24, ascii = false): string {
  const filled = Math.round((clamp(percent, 0, 100) / 100) * width)
  const [full, empty] = ascii ? ['#', '-'] : ['█', '░']
  return `[${full.repeat(filled)}${empty.repeat(width - filled)}]`
}

/**
 * One line: stage, bar, percent, chapters written and illustrated, elapsed time, e.g.
 * `illustrating [██████████████░░░░░░░░░░]  58%  written 5/5  illustrated 2/5  0:07`
 */
export function progressLine(state: ProgressState, { barWidth = 24, ascii = false }: ProgressOptions = {}): string {
  const percent = Math.round(clamp(state.percent, 0, 100))
  const total = state.chaptersTotal > 0 ? String(state.chaptersTotal) : '?'
  return [
    state.stage.padEnd(12),
    progressBar(percent, barWidth, ascii),
    `${String(percent).padStart(3)}%`,
    ` written ${state.chaptersWritten}/${total}`,
    ` illustrated ${state.chaptersIllustrated}/${total}`,
    ` ${formatElapsed(state.elapsedMs)}`,
  ].join(' ')
}

/** Cuts a line to the terminal's width (a wrapped line cannot be redrawn with \r). */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (!columns || columns <= 1) return line
  const chars = [...line]
  return chars.length < columns ? line : chars.slice(0, columns - 1).join('')
}
