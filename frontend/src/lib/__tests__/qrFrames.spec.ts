import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFrameDecoder, DECODE_SIZE, pixelDecoder, type Pixels } from '@/lib/qrFrames'

afterEach(() => vi.unstubAllGlobals())

// A real e-ticket QR code, made the way the backend makes them (bookings/tickets.py):
//   segno.make(Signer(key, salt='boxoffice.ticket').sign('BX:PKGNFBDU').decode(), error='m')
// and its modules printed one row a line, '#' dark. The decoder under test is the real jsQR.
const TICKET_REF = 'BX:PKGNFBDU.CcTPX__NEBsY4L3_Di9Uonny5tA'
const TICKET_QR = `
#######.......#....##.#######
#.....#..####.#####...#.....#
#.###.#.#...#.##...#..#.###.#
#.###.#.#..####.#.....#.###.#
#.###.#.##.##.#.##..#.#.###.#
#.....#.#..##.##..#.#.#.....#
#######.#.#.#.#.#.#.#.#######
........#.#.....#...#........
#.#####....##.#..##...#####..
....##.#.####...#...##.##....
#.#.#.#..#..#..#.....#.......
...###..##....#.#.###.##.#.##
.##.#.#..##.#......#.......##
#.###..#...##...###.###.#.#.#
.####.#####.#..##...##.#####.
....##....###...#.###.####.#.
.########...#....####..##..##
##..#..##.#..#..#...#..###...
#.....#####.#######.#...###..
#.####.###.#.#.##..###.###.##
#.#.###..#..#.###..######..#.
........#.###..###.##...####.
#######........###..#.#.#.#..
#.....#.##.#..##...##...##..#
#.###.#.##..#...#...#####....
#.###.#.####.##...#.....##.##
#.###.#.#..#..###...#..##.##.
#.....#....###.#..##.#...#.#.
#######.#.#..#...#.#.#..#....`
  .trim()
  .split('\n')

/** The code painted into a camera-sized RGBA frame: `scale` pixels a module, on white. */
function paint(rows: string[], width: number, height: number, scale: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4).fill(255)
  const left = Math.floor((width - rows.length * scale) / 2)
  const top = Math.floor((height - rows.length * scale) / 2)
  rows.forEach((row, y) =>
    [...row].forEach((module, x) => {
      if (module !== '#') return
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = ((top + y * scale + dy) * width + left + x * scale + dx) * 4
          data.fill(40, at, at + 3) // ink on paper or a screen is dark grey, not pure black
        }
      }
    }),
  )
  return { data, width, height }
}

describe('pixelDecoder (jsQR)', () => {
  it("reads a real ticket's signed reference off a frame", async () => {
    const decode = await pixelDecoder()
    expect(decode(paint(TICKET_QR, 640, 360, 6))).toBe(TICKET_REF)
  })

  it('finds nothing in a frame without a code, or with only part of one', async () => {
    const decode = await pixelDecoder()
    expect(decode(paint([], 320, 240, 4))).toBeNull()
    expect(decode(paint(TICKET_QR.slice(0, 20), 320, 240, 4))).toBeNull()
  })
})

describe('createFrameDecoder', () => {
  const video = (videoWidth: number, videoHeight: number, readyState = 4) =>
    ({ videoWidth, videoHeight, readyState }) as HTMLVideoElement

  it("scales a camera frame down to a small canvas and reads the ticket there with jsQR", async () => {
    // jsdom has no canvas: this one hands back the frame as the camera would have drawn it.
    const drawImage = vi.fn()
    const context = {
      drawImage,
      getImageData: (_x: number, _y: number, width: number, height: number) => paint(TICKET_QR, width, height, 6),
    }
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(context as unknown as CanvasRenderingContext2D)
    const decode = await createFrameDecoder()
    const frame = video(1920, 1080)
    expect(await decode(frame)).toBe(TICKET_REF)
    expect(drawImage).toHaveBeenCalledWith(frame, 0, 0, DECODE_SIZE, 360)
    expect(await decode(video(0, 0))).toBeNull() // the camera has not sent a frame yet
  })

  it("uses the browser's own BarcodeDetector when it reads QR codes", async () => {
    const detect = vi.fn(async () => [{ rawValue: TICKET_REF }])
    class BarcodeDetector {
      static getSupportedFormats = async () => ['ean_13', 'qr_code']
      constructor(readonly options: { formats: string[] }) {}
      detect = detect
    }
    vi.stubGlobal('BarcodeDetector', BarcodeDetector)
    const decode = await createFrameDecoder()
    expect(await decode(video(1280, 720))).toBe(TICKET_REF)
    expect(await decode(video(1280, 720, 0))).toBeNull() // no frame to look at yet
    expect(detect).toHaveBeenCalledTimes(1)
  })

  it('falls back to jsQR when the BarcodeDetector cannot read QR codes', async () => {
    vi.stubGlobal('BarcodeDetector', { getSupportedFormats: async () => ['ean_13'] })
    const getImageData = vi.fn((_x: number, _y: number, width: number, height: number) => paint(TICKET_QR, width, height, 5))
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({ drawImage: () => undefined, getImageData } as unknown as CanvasRenderingContext2D)
    const decode = await createFrameDecoder()
    expect(await decode(video(640, 480))).toBe(TICKET_REF)
    expect(getImageData).toHaveBeenCalledWith(0, 0, 640, 480)
  })
})
