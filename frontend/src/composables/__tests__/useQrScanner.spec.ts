import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { render } from '@testing-library/vue'
import { DECODES_PER_SECOND, REPEAT_MS, useQrScanner } from '@/composables/useQrScanner'
import { cameraRefusal, fakeStream, installCamera, removeCamera } from './fakeCamera'

beforeEach(() => {
  // The scan loop runs on animation frames; the repeat window is measured with Date.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  removeCamera()
})

/**
 * The scanner in a component with a <video>, the camera in front of it showing `inView.text`
 * (what the decoder reads off each frame; the real decoder needs a canvas, which jsdom lacks).
 */
function mountScanner(onCode: (text: string) => unknown = () => undefined) {
  const inView = { text: null as string | null }
  const decode = vi.fn(async () => inView.text)
  let scanner!: ReturnType<typeof useQrScanner>
  const video = ref<HTMLVideoElement | null>(null)
  const view = render(
    defineComponent(() => {
      scanner = useQrScanner(video, onCode, { createDecoder: async () => decode })
      return () => h('video', { ref: video })
    }),
  )
  return { scanner, inView, decode, video, unmount: view.unmount }
}

/** Lets the camera open (or fail): the promises of start() settle. */
const settle = () => vi.advanceTimersByTimeAsync(0)

describe('useQrScanner', () => {
  it('submits a code held in view once, and again only after it was out of view a while', async () => {
    installCamera()
    const onCode = vi.fn()
    const { scanner, inView } = mountScanner(onCode)
    await scanner.start()
    expect(scanner.active.value).toBe(true)
    inView.text = 'BX:AAAA.sig'
    await vi.advanceTimersByTimeAsync(10_000) // held up for ten seconds: eighty frames read it
    expect(onCode).toHaveBeenCalledTimes(1)
    expect(onCode).toHaveBeenCalledWith('BX:AAAA.sig')

    inView.text = null
    await vi.advanceTimersByTimeAsync(REPEAT_MS - 500)
    inView.text = 'BX:AAAA.sig' // back too soon: the same ticket waved about
    await vi.advanceTimersByTimeAsync(1000)
    expect(onCode).toHaveBeenCalledTimes(1)

    inView.text = null
    await vi.advanceTimersByTimeAsync(REPEAT_MS + 500)
    inView.text = 'BX:AAAA.sig' // shown again on purpose: checked again ("already used")
    await vi.advanceTimersByTimeAsync(500)
    expect(onCode).toHaveBeenCalledTimes(2)
  })

  it('submits a different ticket at once, so a queue moves quickly', async () => {
    installCamera()
    const onCode = vi.fn()
    const { scanner, inView } = mountScanner(onCode)
    await scanner.start()
    inView.text = 'BX:AAAA.sig'
    await vi.advanceTimersByTimeAsync(500)
    inView.text = 'BX:BBBB.sig'
    await vi.advanceTimersByTimeAsync(1000 / DECODES_PER_SECOND + 20)
    expect(onCode.mock.calls).toEqual([['BX:AAAA.sig'], ['BX:BBBB.sig']])
    // Nor does the first come back as a repeat while the second is being checked.
    inView.text = 'BX:AAAA.sig'
    await vi.advanceTimersByTimeAsync(500)
    expect(onCode).toHaveBeenCalledTimes(2)
  })

  it('decodes at most a few frames a second, and none while a check is running', async () => {
    installCamera()
    let answer!: () => void
    const onCode = vi.fn(() => new Promise<void>((resolve) => (answer = resolve)))
    const { scanner, inView, decode } = mountScanner(onCode)
    await scanner.start()
    await vi.advanceTimersByTimeAsync(1000) // sixty animation frames
    expect(decode.mock.calls.length).toBeGreaterThanOrEqual(DECODES_PER_SECOND - 1)
    expect(decode.mock.calls.length).toBeLessThanOrEqual(DECODES_PER_SECOND)

    inView.text = 'BX:AAAA.sig'
    await vi.advanceTimersByTimeAsync(200)
    expect(onCode).toHaveBeenCalledTimes(1)
    const decodedBefore = decode.mock.calls.length
    await vi.advanceTimersByTimeAsync(2000) // the server is slow to answer
    expect(decode).toHaveBeenCalledTimes(decodedBefore)
    answer()
    await vi.advanceTimersByTimeAsync(500)
    expect(decode.mock.calls.length).toBeGreaterThan(decodedBefore)
  })

  it('asks for the rear camera and stops every track on stop, on unmount and in a hidden tab', async () => {
    const { stream, track } = fakeStream()
    const getUserMedia = installCamera(async () => stream)
    const { scanner, video, unmount, decode } = mountScanner()
    await scanner.start()
    expect(getUserMedia).toHaveBeenCalledWith({ video: { facingMode: 'environment' }, audio: false })
    expect(video.value?.srcObject).toBe(stream)
    scanner.stop()
    expect(track.stop).toHaveBeenCalled()
    expect(scanner.active.value).toBe(false)
    expect(video.value?.srcObject).toBeNull()
    const decoded = decode.mock.calls.length
    await vi.advanceTimersByTimeAsync(1000)
    expect(decode).toHaveBeenCalledTimes(decoded) // the loop stopped with the camera

    const again = fakeStream()
    getUserMedia.mockResolvedValueOnce(again.stream)
    await scanner.start()
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(again.track.stop).toHaveBeenCalled()

    const last = fakeStream()
    getUserMedia.mockResolvedValueOnce(last.stream)
    await scanner.start()
    unmount()
    expect(last.track.stop).toHaveBeenCalled()
  })

  it('lets go of a camera that opens only after Stop was pressed', async () => {
    const { stream, track } = fakeStream()
    let open!: (stream: MediaStream) => void
    installCamera(() => new Promise((resolve) => (open = resolve)))
    const { scanner } = mountScanner()
    const starting = scanner.start()
    await settle()
    expect(scanner.starting.value).toBe(true)
    scanner.stop()
    open(stream) // the person allowed the camera after all
    await starting
    expect(track.stop).toHaveBeenCalled()
    expect(scanner.active.value).toBe(false)
    expect(scanner.starting.value).toBe(false)
  })

  it('says when the camera stops by itself (taken by another app, unplugged)', async () => {
    const { stream, track } = fakeStream()
    installCamera(async () => stream)
    const { scanner } = mountScanner()
    await scanner.start()
    track.end()
    expect(scanner.active.value).toBe(false)
    expect(scanner.error.value).toBe('The camera stopped.')
  })

  it.each([
    ['NotAllowedError', /Camera access was refused\. Allow the camera for this site/],
    ['NotFoundError', /No camera was found on this device/],
    ['NotReadableError', /another app may be using it/],
    ['TypeError', /The camera could not be started/],
  ])('explains a camera that cannot be opened (%s)', async (name, message) => {
    installCamera(() => cameraRefusal(name))
    const { scanner } = mountScanner()
    await scanner.start()
    expect(scanner.error.value).toMatch(message)
    expect(scanner.active.value).toBe(false)
    expect(scanner.starting.value).toBe(false)
  })

  it('says so when the browser has no camera access at all, without asking', async () => {
    const { scanner, decode } = mountScanner()
    await scanner.start() // jsdom, like an old browser, has no navigator.mediaDevices
    expect(scanner.error.value).toBe('This browser cannot use a camera.')
    expect(decode).not.toHaveBeenCalled()
  })

  it('says the camera needs https on a plain http address', async () => {
    const getUserMedia = installCamera()
    vi.stubGlobal('isSecureContext', false)
    const { scanner } = mountScanner()
    await scanner.start()
    expect(scanner.error.value).toMatch(/only on a secure \(https\) address/)
    expect(getUserMedia).not.toHaveBeenCalled()
  })

  it('checks the ticket in view again when the camera is started again', async () => {
    installCamera()
    const onCode = vi.fn()
    const { scanner, inView } = mountScanner(onCode)
    inView.text = 'BX:AAAA.sig'
    await scanner.start()
    await vi.advanceTimersByTimeAsync(500)
    scanner.stop()
    await scanner.start()
    await vi.advanceTimersByTimeAsync(500)
    expect(onCode).toHaveBeenCalledTimes(2)
  })
})
