import { useEffect, useRef } from 'react'

interface ListenProps {
  /** the chapter's narration (a signed URL), when the story was narrated and it is ready */
  audioUrl: string | null
  /** what the browser's speech synthesis reads when there is no narration */
  text: string
  /** the story's language, for the browser's voice */
  lang?: string
  listening: boolean
  onListeningChange: (listening: boolean) => void
  /** the chapter was heard to its end: the reader turns the page */
  onEnded: () => void
}

const canSynthesise = () => typeof window !== 'undefined' && 'speechSynthesis' in window

/**
 * The reader's "Listen" button: plays the chapter's narration when it has one, else reads it with
 * the browser's speech synthesis. Listening carries over a page turn, so a whole story plays on.
 */
export function Listen({ audioUrl, text, lang, listening, onListeningChange, onEnded }: ListenProps) {
  const audio = useRef<HTMLAudioElement>(null)

  useEffect(() => {
    if (!listening) return
    // Set when this chapter stops being the one heard (a page turn, Listen pressed again).
    let stopped = false
    const element = audio.current
    if (audioUrl && element) {
      element.currentTime = 0
      element.play().catch(() => {
        if (!stopped) onListeningChange(false)
      })
    } else if (canSynthesise()) {
      const utterance = new SpeechSynthesisUtterance(text)
      utterance.rate = 0.9
      if (lang) utterance.lang = lang
      // A cancelled utterance ends too: only one heard to its end turns the page.
      utterance.onend = () => {
        if (!stopped) onEnded()
      }
      utterance.onerror = () => {
        if (!stopped) onListeningChange(false)
      }
      window.speechSynthesis.cancel()
      window.speechSynthesis.speak(utterance)
    } else {
      onListeningChange(false)
    }
    return () => {
      stopped = true
      element?.pause()
      if (canSynthesise()) window.speechSynthesis.cancel()
    }
  }, [listening, audioUrl, text, lang, onEnded, onListeningChange])

  if (!audioUrl && !canSynthesise()) return null
  return (
    <>
      {audioUrl && (
        // biome-ignore lint/a11y/useMediaCaption: the chapter's text is on the page beside it
        <audio ref={audio} src={audioUrl} preload="none" onEnded={onEnded} data-testid="narration" />
      )}
      <button
        type="button"
        className="button button-quiet"
        aria-pressed={listening}
        onClick={() => onListeningChange(!listening)}
      >
        Listen
      </button>
    </>
  )
}
