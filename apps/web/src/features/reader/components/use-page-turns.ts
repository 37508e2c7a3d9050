import { type RefObject, useEffect, useEffectEvent } from 'react'

const SWIPE_PX = 50

/** The arrow keys and a horizontal swipe across the area turn the page, as the buttons do. */
export function usePageTurns(area: RefObject<HTMLElement | null>, previous: () => void, next: () => void) {
  // The listeners are added once, on the window, and call the latest turns. Re-adding them in an
  // effect whenever the page changed left a moment after the new page showed in which a key still
  // turned from the old one; and the area is not there yet while the story loads.
  const turnBack = useEffectEvent(previous)
  const turnOn = useEffectEvent(next)

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target?.closest('input, textarea, select') || event.altKey || event.ctrlKey || event.metaKey) return
      if (event.key === 'ArrowRight') turnOn()
      if (event.key === 'ArrowLeft') turnBack()
    }
    let start: { x: number; y: number } | undefined
    const onTouchStart = (event: TouchEvent) => {
      const touch = event.touches[0]
      const inArea = event.target instanceof Node && area.current?.contains(event.target)
      start = touch && inArea ? { x: touch.clientX, y: touch.clientY } : undefined
    }
    const onTouchEnd = (event: TouchEvent) => {
      const touch = event.changedTouches[0]
      if (!start || !touch) return
      const dx = touch.clientX - start.x
      if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(touch.clientY - start.y)) (dx < 0 ? turnOn : turnBack)()
      start = undefined
    }
    window.addEventListener('keydown', onKey)
    window.addEventListener('touchstart', onTouchStart, { passive: true })
    window.addEventListener('touchend', onTouchEnd)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('touchstart', onTouchStart)
      window.removeEventListener('touchend', onTouchEnd)
    }
  }, [area])
}
