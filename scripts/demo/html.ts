// The story as one self-contained HTML page: no scripts, no external requests, images inline as data: URIs.

export interface StoryChapter {
  number: number
  title: string
  content: string
}

/** What the page shows; the shape of GET /api/stories/:id plus the child's name. */
export interface StoryDocument {
  story_id?: string
  title: string | null
  child_name: string
  topic?: string
  story_genre?: string
  image_style?: string
  completed_at?: string | null
  /** the story's BCP 47 language and its direction: the story's text is marked with them */
  language?: string
  direction?: string
  chapters: StoryChapter[]
}

/** Chapter number → `data:image/…;base64,…`; a chapter without an entry is shown without a picture. */
export type StoryImages = ReadonlyMap<number, string>

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  // NUL and other C0 controls (except tab and newlines) are not allowed in HTML text; they are dropped.
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

const DATA_URI = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/

/** An image's bytes as a data: URI, or undefined when the type is not a browser-safe raster image. */
export function toDataUri(bytes: Uint8Array, contentType: string): string | undefined {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  if (!['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(type) || bytes.length === 0) return undefined
  return `data:${type};base64,${Buffer.from(bytes).toString('base64')}`
}

/** Plain text with blank-line paragraphs (and single newlines inside a song) as HTML paragraphs. */
export function paragraphs(content: string): string {
  return content
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map(
      (paragraph) =>
        `<p>${paragraph
          .split('\n')
          .map((line) => escapeHtml(line.trim()))
          .join('<br>\n')}</p>`,
    )
    .join('\n')
}

const STYLE = `
:root {
  color-scheme: light dark;
  --paper: #fdf8ef; --ink: #2b2a33; --muted: #6f6a7d; --accent: #6c4ab6; --card: #ffffff; --rule: #eadfcb;
}
@media (prefers-color-scheme: dark) {
  :root { --paper: #17151f; --ink: #ece7f5; --muted: #a79fbb; --accent: #c3a6ff; --card: #221f2d; --rule: #39334a; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--paper); color: var(--ink);
  font: 1.125rem/1.75 Georgia, "Iowan Old Style", "Palatino Linotype", Palatino, serif;
}
main { max-width: 40rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
.cover { text-align: center; padding: 1.5rem 0 2rem; border-bottom: 2px dotted var(--rule); margin-bottom: 2rem; }
.eyebrow { margin: 0 0 .5rem; color: var(--accent); font: 600 .8rem/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; letter-spacing: .12em; text-transform: uppercase; }
h1 { margin: 0 0 .75rem; font-size: clamp(1.9rem, 7vw, 2.8rem); line-height: 1.15; overflow-wrap: anywhere; }
.meta { margin: 0; color: var(--muted); font: .95rem/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; overflow-wrap: anywhere; }
.toc { background: var(--card); border: 1px solid var(--rule); border-radius: 14px; padding: 1rem 1.25rem; margin: 0 0 2.5rem; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 1rem; }
.toc-title { margin: 0 0 .35rem; font-weight: 600; color: var(--muted); font-size: .8rem; letter-spacing: .1em; text-transform: uppercase; }
.toc ol { margin: 0; padding-left: 1.4rem; }
.toc a { color: var(--accent); text-decoration: none; }
.toc a:hover { text-decoration: underline; }
.chapter { margin: 0 0 3rem; }
.chapter h2 { margin: 0 0 1rem; font-size: 1.5rem; line-height: 1.25; overflow-wrap: anywhere; }
.chapter h2 .number { display: block; color: var(--accent); font: 600 .8rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; letter-spacing: .12em; text-transform: uppercase; }
figure { margin: 0 0 1.5rem; }
figure img { display: block; width: 100%; height: auto; border-radius: 16px; box-shadow: 0 6px 24px rgb(0 0 0 / .12); background: var(--card); }
.missing { margin: 0 0 1.5rem; padding: .75rem 1rem; border: 1px dashed var(--rule); border-radius: 12px; color: var(--muted); font: .9rem/1.5 system-ui, sans-serif; }
.chapter p { margin: 0 0 1.1em; overflow-wrap: break-word; hyphens: auto; }
.chapter .text > p:first-child::first-letter { float: left; font-size: 3.2em; line-height: .9; padding: .08em .12em 0 0; color: var(--accent); }
footer { margin-top: 3rem; padding-top: 1.5rem; border-top: 2px dotted var(--rule); text-align: center; color: var(--muted); font: .85rem/1.5 system-ui, sans-serif; }
@media print {
  body { background: #fff; color: #000; }
  .toc { display: none; }
  .chapter { break-before: page; }
  figure img { box-shadow: none; }
}
`.trim()

/**
 * The whole story as one HTML document. Every piece of text is escaped; images are used only when
 * they are base64 data: URIs of raster images, and a Content-Security-Policy forbids anything else
 * (scripts, fetches, external images), so the file is safe to open and to send on.
 */
export function renderStoryHtml(story: StoryDocument, images: StoryImages = new Map()): string {
  const title = story.title?.trim() || `A story for ${story.child_name}`
  const meta = [
    story.story_genre,
    story.image_style && `${story.image_style} illustrations`,
    story.topic && `about “${story.topic}”`,
  ].filter(Boolean) as string[]
  const chapters = [...story.chapters].sort((a, b) => a.number - b.number)

  // The page around the story stays English; the story's own words carry its language and direction.
  const text =
    story.language && story.language !== 'en'
      ? ` lang="${escapeHtml(story.language)}" dir="${story.direction === 'rtl' ? 'rtl' : 'ltr'}"`
      : ''
  const toc = chapters
    .map((c) => `<li><a href="#chapter-${c.number}"${text}>${escapeHtml(c.title)}</a></li>`)
    .join('\n')

  const body = chapters
    .map((c) => {
      const uri = images.get(c.number)
      const picture =
        uri !== undefined && DATA_URI.test(uri)
          ? `<figure><img src="${uri}" alt="${escapeHtml(`Illustration for chapter ${c.number}: ${c.title}`)}" loading="lazy" decoding="async"></figure>`
          : '<p class="missing">This chapter has no picture yet.</p>'
      return [
        `<section class="chapter" id="chapter-${c.number}">`,
        `<h2><span class="number">Chapter ${c.number}</span>${text ? `<span${text}>${escapeHtml(c.title)}</span>` : escapeHtml(c.title)}</h2>`,
        picture,
        `<div class="text"${text}>\n${paragraphs(c.content)}\n</div>`,
        '</section>',
      ].join('\n')
    })
    .join('\n')

  const when = story.completed_at ? new Date(story.completed_at) : undefined
  const date = when && !Number.isNaN(when.getTime()) ? ` on ${when.toISOString().slice(0, 10)}` : ''

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="generator" content="Dreamify">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<main>
<header class="cover">
<p class="eyebrow">A bedtime story for ${escapeHtml(story.child_name)}</p>
<h1${text}>${escapeHtml(title)}</h1>
${meta.length ? `<p class="meta">${escapeHtml(meta.join(' · '))}</p>` : ''}
</header>
<nav class="toc" aria-label="Chapters">
<p class="toc-title">Chapters</p>
<ol>
${toc}
</ol>
</nav>
<article>
${body}
</article>
<footer>Written and illustrated by Dreamify for ${escapeHtml(story.child_name)}${date}. Sweet dreams.</footer>
</main>
</body>
</html>
`
}
