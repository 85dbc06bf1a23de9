// Pixel checks on real screenshots. sigma draws with WebGL and does not keep its drawing buffer
// (preserveDrawingBuffer is false), so canvas.toDataURL() is blank: the only honest proof that
// the graph was drawn is a screenshot of the screen, decoded here in the page (Chromium decodes
// PNG; Node would need a library).
import type { Page } from '@playwright/test'

export interface PixelStats {
  width: number
  height: number
  /** The most frequent colour: the background. */
  background: [number, number, number]
  /** Pixels that differ from the background (sum of channel differences over 40). */
  drawn: number
}

/** Decodes a PNG in the page and counts the pixels that are not background. */
export async function pixelStats(page: Page, png: Buffer): Promise<PixelStats> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
    const canvas = new OffscreenCanvas(bmp.width, bmp.height)
    const g = canvas.getContext('2d')!
    g.drawImage(bmp, 0, 0)
    const d = g.getImageData(0, 0, bmp.width, bmp.height).data
    const freq = new Map<number, number>()
    for (let i = 0; i < d.length; i += 4) {
      const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2]
      freq.set(key, (freq.get(key) ?? 0) + 1)
    }
    let mode = 0
    let best = -1
    for (const [k, n] of freq)
      if (n > best) {
        best = n
        mode = k
      }
    const bg: [number, number, number] = [(mode >> 16) & 255, (mode >> 8) & 255, mode & 255]
    let drawn = 0
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 40)
        drawn++
    return { width: bmp.width, height: bmp.height, background: bg, drawn }
  }, png.toString('base64'))
}

/** Relative luminance (0 black … 1 white) of an sRGB colour, roughly. */
export function luminance([r, g, b]: [number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
}

/** Pixels that differ between two screenshots of the same size: the sum of the RGB channels'
 * differences over `threshold` (40: a visible change; a few units: any change but rounding). */
export async function pixelDiff(page: Page, a: Buffer, b: Buffer, threshold = 40): Promise<number> {
  return page.evaluate(
    async ([x, y, t]) => {
      const decode = async (b64: string): Promise<ImageData> => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
        const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!
        g.drawImage(bmp, 0, 0)
        return g.getImageData(0, 0, bmp.width, bmp.height)
      }
      const [p, q] = await Promise.all([decode(x), decode(y)])
      if (p.width !== q.width || p.height !== q.height)
        throw new Error(
          `screenshots differ in size: ${p.width}×${p.height}, ${q.width}×${q.height}`,
        )
      const [d, e] = [p.data, q.data]
      let n = 0
      for (let i = 0; i < d.length; i += 4)
        if (
          Math.abs(d[i] - e[i]) + Math.abs(d[i + 1] - e[i + 1]) + Math.abs(d[i + 2] - e[i + 2]) >
          t
        )
          n++
      return n
    },
    [a.toString('base64'), b.toString('base64'), threshold] as const,
  )
}
