import { Mp3Encoder } from '@breezystack/lamejs'
import ESpeakNg from 'espeak-ng'

/**
 * Offline narration: eSpeak NG compiled to WebAssembly (the `espeak-ng` npm package, GPL-3.0-or-later,
 * voice data embedded) renders a WAV in memory, and lamejs (`@breezystack/lamejs`, LGPL-3.0)
 * encodes it as MP3, the format the openai provider answers in. No network, no system packages.
 */
const ESPEAK_VOICES: Record<string, string> = {
  coral: 'en-us+f3',
  sage: 'en-us+m3',
  fable: 'en-gb+m1',
  nova: 'en-us+f4',
  onyx: 'en-us+m7',
}

/** Words per minute: slow and calm, for bedtime. */
const BEDTIME_WPM = 135
const MP3_KBPS = 48
const FRAME = 1152

export async function synthesiseMp3(text: string, voice: string): Promise<Buffer> {
  const wav = await synthesiseWav(text, ESPEAK_VOICES[voice] ?? 'en-us')
  return encodeMp3(wav)
}

async function synthesiseWav(text: string, voice: string): Promise<Buffer> {
  const quiet = () => {}
  // The CLI's argument list, not a shell: the text is one argument as it is.
  const espeak = await ESpeakNg({
    arguments: ['-v', voice, '-s', String(BEDTIME_WPM), '-g', '4', '-w', '/narration.wav', text],
    print: quiet,
    printErr: quiet,
  })
  return Buffer.from(espeak.FS.readFile('/narration.wav'))
}

/** A 16-bit mono PCM WAV (what eSpeak writes) as MP3. */
export function encodeMp3(wav: Buffer): Buffer {
  const channels = wav.readUInt16LE(22)
  const rate = wav.readUInt32LE(24)
  const dataAt = findChunk(wav, 'data')
  const pcm = wav.subarray(dataAt.offset, dataAt.offset + dataAt.size)
  const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + (pcm.length & ~1)))
  const encoder = new Mp3Encoder(channels, rate, MP3_KBPS)
  const parts: Buffer[] = []
  for (let at = 0; at < samples.length; at += FRAME) {
    const frame = encoder.encodeBuffer(samples.subarray(at, at + FRAME))
    if (frame.length) parts.push(Buffer.from(frame))
  }
  parts.push(Buffer.from(encoder.flush()))
  return Buffer.concat(parts)
}

function findChunk(wav: Buffer, id: string): { offset: number; size: number } {
  let at = 12
  while (at + 8 <= wav.length) {
    const size = wav.readUInt32LE(at + 4)
    if (wav.toString('ascii', at, at + 4) === id) return { offset: at + 8, size: Math.min(size, wav.length - at - 8) }
    at += 8 + size + (size & 1)
  }
  throw new Error(`the WAV has no ${id} chunk`)
}
