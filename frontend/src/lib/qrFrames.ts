/**
 * Reading a QR code off a live video frame: the browser's own BarcodeDetector where it has
 * one for QR codes (Android Chrome, Safari), else jsQR on a small canvas copy of the frame.
 */

/** The text of a QR code in the video's current frame, or null when there is none. */
export type FrameDecoder = (video: HTMLVideoElement) => Promise<string | null>

/** Longest side of the canvas a frame is scaled down to: a ticket held up to the camera
 *  still has modules several pixels wide, and a phone decodes a quarter of a 1280×720
 *  frame's pixels instead of all of them. */
export const DECODE_SIZE = 640

/** What jsQR needs of an image: RGBA bytes, four per pixel. */
export interface Pixels {
  data: Uint8ClampedArray
  width: number
  height: number
}

type JsQR = (typeof import('jsqr'))['default']

/** jsQR is CommonJS: depending on the bundler its default export may come wrapped once. */
async function loadJsQR(): Promise<JsQR> {
  const module: { default: JsQR | { default: JsQR } } = await import('jsqr')
  return typeof module.default === 'function' ? module.default : module.default.default
}

/** A decoder for still pixels (the library, with nothing of the DOM): tests feed it real
 *  images, and the camera path feeds it canvas copies of frames. */
export async function pixelDecoder(): Promise<(pixels: Pixels) => string | null> {
  const jsQR = await loadJsQR()
  // Tickets are dark on light: skipping the inverted pass halves the work per frame.
  return ({ data, width, height }) => jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data || null
}

interface DetectedBarcode {
  rawValue: string
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): { detect(source: HTMLVideoElement): Promise<DetectedBarcode[]> }
  getSupportedFormats(): Promise<string[]>
}

async function nativeDecoder(): Promise<FrameDecoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (!Detector) return null
  try {
    // Some desktop builds have the class but no QR support behind it.
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return null
    const detector = new Detector({ formats: ['qr_code'] })
    return async (video) =>
      video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA ? null : (await detector.detect(video))[0]?.rawValue || null
  } catch {
    return null
  }
}

function canvasDecoder(decode: (pixels: Pixels) => string | null): FrameDecoder {
  const canvas = document.createElement('canvas')
  // Frames are read back on every decode: keep the canvas in memory, not on the GPU.
  const context = canvas.getContext('2d', { willReadFrequently: true })
  return async (video) => {
    const { videoWidth: width, videoHeight: height } = video
    if (!context || !width || !height) return null // no frame yet
    const scale = Math.min(1, DECODE_SIZE / Math.max(width, height))
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    context.drawImage(video, 0, 0, canvas.width, canvas.height)
    return decode(context.getImageData(0, 0, canvas.width, canvas.height))
  }
}

/** The best frame decoder this browser has; jsQR is only downloaded when it is needed. */
export async function createFrameDecoder(): Promise<FrameDecoder> {
  return (await nativeDecoder()) ?? canvasDecoder(await pixelDecoder())
}
