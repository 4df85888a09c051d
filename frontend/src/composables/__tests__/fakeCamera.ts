import { vi } from 'vitest'

// jsdom has no camera: these stand in for navigator.mediaDevices and what it opens.

export interface FakeTrack {
  stop: ReturnType<typeof vi.fn>
  end(): void
}

export function fakeStream() {
  const ended: Array<() => void> = []
  const track = {
    stop: vi.fn(),
    addEventListener: (type: string, listener: () => void) => type === 'ended' && ended.push(listener),
    end: () => ended.forEach((listener) => listener()),
  }
  const stream = { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream
  return { stream, track: track as FakeTrack }
}

/** Gives the page a camera; `getUserMedia` is the mock behind it, to answer or to inspect. */
export function installCamera(open: () => Promise<MediaStream> = async () => fakeStream().stream) {
  const getUserMedia = vi.fn(open)
  Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true })
  return getUserMedia
}

/** Takes the camera away again (jsdom's navigator has no mediaDevices of its own). */
export function removeCamera() {
  Reflect.deleteProperty(navigator, 'mediaDevices')
}

/** A getUserMedia refusal as browsers report it: a DOMException named by kind. */
export const cameraRefusal = (name: string) => Promise.reject(new DOMException('camera refused', name))
