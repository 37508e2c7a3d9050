import { type RefObject, useEffect } from 'react'

const SWIPE_PX = 50

/** The arrow keys and a horizontal swipe turn the page, as the buttons do. */
export function usePageTurns(area: RefObject<HTMLElement | null>, previous: () => void, next: () => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target?.closest('input, textarea, select') || event.altKey || event.ctrlKey || event.metaKey) return
      if (event.key === 'ArrowRight') next()
      if (event.key === 'ArrowLeft') previous()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [previous, next])

  useEffect(() => {
    const element = area.current
    if (!element) return
    let startX: number | undefined
    let startY = 0
    const onStart = (event: TouchEvent) => {
      startX = event.touches[0]?.clientX
      startY = event.touches[0]?.clientY ?? 0
    }
    const onEnd = (event: TouchEvent) => {
      const touch = event.changedTouches[0]
      if (startX === undefined || !touch) return
      const dx = touch.clientX - startX
      if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(touch.clientY - startY)) (dx < 0 ? next : previous)()
      startX = undefined
    }
    element.addEventListener('touchstart', onStart, { passive: true })
    element.addEventListener('touchend', onEnd)
    return () => {
      element.removeEventListener('touchstart', onStart)
      element.removeEventListener('touchend', onEnd)
    }
  }, [area, previous, next])
}
