import { onBeforeUnmount, ref, type Ref } from 'vue'
import { createFrameDecoder, type FrameDecoder } from '@/lib/qrFrames'

/** At most this many frames are decoded a second: a ticket held up is read at once, and a
 *  phone scanning a queue all evening does not run hot decoding every frame it shows. */
export const DECODES_PER_SECOND = 8
/** A code is not submitted again until it has been out of view this long: the ticket still
 *  held up after its check would otherwise flip "let them in" to "already used". */
export const REPEAT_MS = 3000

export interface QrScannerOptions {
  /** Makes the frame decoder (tests give their own: jsdom has no canvas). */
  createDecoder?: () => Promise<FrameDecoder>
}

/** Why the camera cannot be used on this page at all, before asking for it. */
export function cameraUnavailable(): string | null {
  // getUserMedia exists only on https (or localhost): on plain http mediaDevices is missing.
  if (window.isSecureContext === false) {
    return 'The camera works only on a secure (https) address of this site.'
  }
  if (!navigator.mediaDevices?.getUserMedia) return 'This browser cannot use a camera.'
  return null
}

/** What to tell the person for a getUserMedia failure (a DOMException, named by kind). */
export function cameraErrorMessage(error: unknown): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : ''
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was refused. Allow the camera for this site in the browser settings, then try again.'
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this device.'
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started: another app may be using it.'
    default:
      return 'The camera could not be started.'
  }
}

/**
 * Reads QR codes from the camera into `video` and hands each new code to `onCode`, one at a
 * time: frames are not decoded while a code's check is running. The camera is off again on
 * stop(), when the tab is hidden and when the component unmounts.
 */
export function useQrScanner(
  video: Ref<HTMLVideoElement | null>,
  onCode: (text: string) => unknown,
  options: QrScannerOptions = {},
) {
  const active = ref(false)
  const starting = ref(false)
  const error = ref<string | null>(null)
  let stream: MediaStream | null = null
  let frame: number | null = null
  // Counts starts and stops, so that a camera or decoder arriving after a stop is let go.
  let run = 0
  // When each recent code was last seen: a code in this map is not submitted again.
  const seen = new Map<string, number>()

  function stop() {
    run++
    if (frame !== null) cancelAnimationFrame(frame)
    frame = null
    stream?.getTracks().forEach((track) => track.stop())
    stream = null
    if (video.value) video.value.srcObject = null
    active.value = false
    starting.value = false
  }

  async function submit(text: string) {
    const now = Date.now()
    for (const [code, at] of seen) if (now - at >= REPEAT_MS) seen.delete(code)
    const repeat = seen.has(text)
    seen.set(text, now)
    if (repeat) return
    await onCode(text)
    seen.set(text, Date.now()) // the pause counts from the answer, however long the check took
  }

  function loop(element: HTMLVideoElement, decode: FrameDecoder, current: number) {
    let last = -Infinity
    const tick = (time: number) => {
      frame = null
      if (time - last < 1000 / DECODES_PER_SECOND) {
        frame = requestAnimationFrame(tick)
        return
      }
      last = time
      decode(element)
        .then((text) => (text && current === run ? submit(text) : undefined))
        // A frame that cannot be read (a hiccup of the device): the next one is tried.
        .catch(() => undefined)
        .finally(() => {
          if (current === run) frame = requestAnimationFrame(tick)
        })
    }
    frame = requestAnimationFrame(tick)
  }

  async function start() {
    stop()
    error.value = cameraUnavailable()
    if (error.value) return
    const current = run
    starting.value = true
    try {
      const decode = await (options.createDecoder ?? createFrameDecoder)()
      if (current !== run) return
      const opened = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      if (current !== run || !video.value) {
        opened.getTracks().forEach((track) => track.stop())
        return
      }
      stream = opened
      // A camera taken by another app or unplugged ends its track: say so, do not sit dark.
      for (const track of opened.getVideoTracks()) {
        track.addEventListener('ended', () => {
          if (current !== run) return
          stop()
          error.value = 'The camera stopped.'
        })
      }
      video.value.srcObject = opened
      seen.clear() // starting again is how staff ask for the ticket in view to be checked again
      active.value = true
      loop(video.value, decode, current)
    } catch (e) {
      if (current === run) error.value = cameraErrorMessage(e)
    } finally {
      if (current === run) starting.value = false
    }
  }

  // A hidden tab (a locked phone, another app) gives the camera back instead of keeping it.
  const onVisibility = () => document.visibilityState === 'hidden' && stop()
  document.addEventListener('visibilitychange', onVisibility)
  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', onVisibility)
    stop()
  })

  return { active, starting, error, start, stop }
}
