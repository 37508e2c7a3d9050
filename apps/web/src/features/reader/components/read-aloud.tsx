import { useEffect, useState } from 'react'

/** Reads the chapter with the browser's own speech synthesis, where there is one. */
export function ReadAloud({ text, lang }: { text: string; lang: string }) {
  const [speaking, setSpeaking] = useState(false)
  useEffect(() => {
    // A new page stops the voice of the last one.
    return () => window.speechSynthesis?.cancel()
  }, [])
  if (!('speechSynthesis' in window)) return null

  function toggle() {
    if (speaking) {
      window.speechSynthesis.cancel()
      setSpeaking(false)
      return
    }
    const utterance = new SpeechSynthesisUtterance(text)
    utterance.rate = 0.9
    // The browser picks a voice for the story's language.
    utterance.lang = lang
    utterance.onend = () => setSpeaking(false)
    utterance.onerror = () => setSpeaking(false)
    window.speechSynthesis.speak(utterance)
    setSpeaking(true)
  }

  return (
    <button type="button" className="button button-quiet" aria-pressed={speaking} onClick={toggle}>
      Read aloud
    </button>
  )
}
