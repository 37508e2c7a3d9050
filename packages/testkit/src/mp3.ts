/**
 * The smallest honest MP3: MPEG-1 Layer III frames, 32 kbit/s, 32 kHz, mono, each with empty side
 * information, which every decoder plays as silence. MP3 frames stand alone, so any number of them
 * is a playable file, and two such files one after the other are one.
 */
const FRAME_HEADER = [0xff, 0xfb, 0x18, 0xc0]
const FRAME_BYTES = 144 // 144 * 32000 / 32000
const FRAME_SECONDS = 1152 / 32_000

export function silentMp3(seconds: number): Buffer {
  const frames = Math.max(1, Math.ceil(seconds / FRAME_SECONDS))
  const frame = Buffer.alloc(FRAME_BYTES)
  Buffer.from(FRAME_HEADER).copy(frame)
  return Buffer.concat(Array.from({ length: frames }, () => frame))
}

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
}

export interface Mp3Facts {
  frames: number
  seconds: number
  sampleRate: number
}

/**
 * Walks an MP3 frame by frame (after an optional ID3v2 tag) and says what it holds; throws when the
 * bytes are not one unbroken run of Layer III frames from start to end, which is what a player
 * needs. Used by the tests to tell a playable file from bytes that merely start like one.
 */
export function readMp3(bytes: Buffer): Mp3Facts {
  let at = 0
  if (bytes.toString('latin1', 0, 3) === 'ID3') {
    const size =
      ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f)
    at = 10 + size
  }
  let frames = 0
  let seconds = 0
  let sampleRate = 0
  while (at < bytes.length) {
    if (bytes.length - at < 4) throw new Error(`a truncated frame header at byte ${at}`)
    const b1 = bytes[at + 1]!
    const b2 = bytes[at + 2]!
    if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) throw new Error(`no frame sync at byte ${at}`)
    const version = (b1 >> 3) & 0b11
    const layer = (b1 >> 1) & 0b11
    if (version === 1 || layer !== 0b01) throw new Error(`not an MPEG Layer III frame at byte ${at}`)
    const rate = SAMPLE_RATES[version]?.[(b2 >> 2) & 0b11]
    const kbps = (version === 3 ? BITRATES_V1_L3 : BITRATES_V2_L3)[b2 >> 4]
    if (!rate || !kbps) throw new Error(`a bad bitrate or sample rate at byte ${at}`)
    const padding = (b2 >> 1) & 1
    const samples = version === 3 ? 1152 : 576
    const size = Math.floor(((samples / 8) * kbps * 1000) / rate) + padding
    if (at + size > bytes.length) throw new Error(`a truncated frame at byte ${at}`)
    frames++
    seconds += samples / rate
    sampleRate = rate
    at += size
  }
  if (frames === 0) throw new Error('no MP3 frames')
  return { frames, seconds, sampleRate }
}
