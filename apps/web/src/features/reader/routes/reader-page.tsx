import { useCallback, useEffect, useRef, useState } from 'react'
import { Link, Navigate, useNavigate, useParams } from 'react-router'
import { ErrorNotice, Loading } from '../../../components/notices.tsx'
import { isFinished, useStory } from '../../../lib/shared-queries.ts'
import { useRedraw } from '../api/redraw.ts'
import { BookDownloads } from '../components/book-downloads.tsx'
import { ChapterPicture } from '../components/chapter-picture.tsx'
import { Listen } from '../components/listen.tsx'
import { ReportStory } from '../components/report-story.tsx'
import { usePageTurns } from '../components/use-page-turns.ts'

export default function ReaderPage() {
  const params = useParams()
  const storyId = params.storyId!
  const number = Number.parseInt(params.chapter ?? '', 10) || 1
  const navigate = useNavigate()
  // Chapters still being written appear as they come.
  const story = useStory(storyId, 2000)
  const redraw = useRedraw(storyId)
  const [night, setNight] = useState(false)
  // Listening goes on across page turns until the last chapter ends or the parent stops it.
  const [listening, setListening] = useState(false)
  const area = useRef<HTMLElement>(null)
  // A story being made has the chapters it was asked for, some still to come; a finished one has
  // those it got (a failed story may stop short).
  const finished = story.data ? isFinished(story.data.status) : false
  const total = (finished ? story.data?.chapters.at(-1)?.number : story.data?.chapters_total) ?? 0

  const goTo = useCallback(
    (target: number) => {
      if (target >= 1 && target <= total) navigate(`/stories/${storyId}/read/${target}`)
    },
    [navigate, storyId, total],
  )
  const previous = useCallback(() => goTo(number - 1), [goTo, number])
  const next = useCallback(() => goTo(number + 1), [goTo, number])
  // A right-to-left book turns the other way: the left arrow and a swipe to the right go forward.
  const rtl = story.data?.direction === 'rtl'
  usePageTurns(area, rtl ? next : previous, rtl ? previous : next)
  const chapterHeard = useCallback(() => {
    if (number < total) goTo(number + 1)
    else setListening(false)
  }, [goTo, number, total])

  const title = story.data?.title ?? 'Story'
  useEffect(() => {
    document.title = `${title}, chapter ${number} · Dreamify`
  }, [title, number])

  if (story.isPending) return <Loading what="the story" />
  if (!story.data) return <ErrorNotice error={story.error} />
  // An address past the story's ends (typed, or kept from a longer try) opens its nearest chapter.
  if (total > 0 && (number < 1 || number > total))
    return <Navigate replace to={`/stories/${storyId}/read/${Math.min(Math.max(number, 1), total)}`} />
  const chapter = story.data.chapters.find((c) => c.number === number)
  // The story's own language and direction; the page around it stays the app's.
  const text = { lang: story.data.language, dir: story.data.direction }

  return (
    <article ref={area} className={night ? 'page reader night' : 'page reader'}>
      <header className="reader-header">
        <h1 {...text}>{title}</h1>
        <button type="button" className="button button-quiet" aria-pressed={night} onClick={() => setNight(!night)}>
          Night mode
        </button>
      </header>
      <p className="chapter-count" aria-live="polite">
        {total > 0 ? `Chapter ${number} of ${total}` : 'No chapter of this story was written.'}
      </p>
      {chapter ? (
        <>
          <ChapterPicture
            chapter={chapter}
            onRedraw={() => redraw.mutate(chapter.number)}
            redrawing={redraw.isPending}
          />
          <h2>
            Chapter {chapter.number}: <span {...text}>{chapter.title}</span>
          </h2>
          <div className="chapter-text" {...text}>
            {chapter.content.split(/\n+/).map((paragraph, index) => (
              // Paragraphs of one chapter never reorder.
              // biome-ignore lint/suspicious/noArrayIndexKey: the text is fixed once written
              <p key={index}>{paragraph}</p>
            ))}
          </div>
          <ErrorNotice error={redraw.error} />
        </>
      ) : (
        total > 0 && <p>{finished ? 'This chapter was not written.' : 'This chapter is still being written…'}</p>
      )}
      <nav className="page-turns" aria-label="Chapters">
        <button type="button" className="button" onClick={previous} disabled={number <= 1}>
          Previous
        </button>
        {chapter && (
          <Listen
            audioUrl={chapter.audio_url}
            text={`${chapter.title}. ${chapter.content}`}
            lang={text.lang}
            listening={listening}
            onListeningChange={setListening}
            onEnded={chapterHeard}
          />
        )}
        <button type="button" className="button" onClick={next} disabled={number >= total}>
          Next
        </button>
      </nav>
      {story.data.status === 'completed' && <BookDownloads storyId={storyId} />}
      <ReportStory storyId={storyId} reports={story.data.safety.reports} />
      <p>
        <Link to={`/stories/${storyId}`}>Back to the story</Link>
      </p>
    </article>
  )
}
