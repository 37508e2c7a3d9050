// Order matters: Edge and Opera say "Chrome" too, and Chrome says "Safari".
const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/^curl\//, 'curl'],
]
const SYSTEMS: Array<[RegExp, string]> = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
]

/**
 * A short label for the sessions list ("Firefox on Linux"), read from the User-Agent. It is a hint
 * for the parent, not an identity: the header is the client's to choose.
 */
export function clientLabel(userAgent: string | undefined): string {
  if (!userAgent?.trim()) return 'Unknown client'
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1]
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1]
  if (browser && system) return `${browser} on ${system}`
  if (browser || system) return (browser ?? system) as string
  // Something else (an app, a script): its first product token, without the version.
  const product = /^[\w.-]{1,40}/.exec(userAgent.trim())?.[0]
  return product ?? 'Unknown client'
}
