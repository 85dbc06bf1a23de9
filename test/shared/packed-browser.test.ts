// The packed-array codec as the renderer runs it: src/shared/packed.ts bundled and loaded into
// Debian's Chromium, which has `Uint8Array.fromBase64` / `toBase64` (an older one uses the portable
// loops, tested in packed.test.ts): the native path must write the same text as Node, read it back
// bit for bit, and refuse what the portable decoder refuses (whitespace, characters outside the
// alphabet, bad padding).
import { existsSync } from 'node:fs'
import { build } from 'esbuild'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeBytes } from '../../src/shared/packed'
import { prerequisite } from '../setup/prerequisite'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const haveChromium = prerequisite(existsSync(CHROMIUM), `Chromium (${CHROMIUM})`)

declare global {
  interface Window {
    packed: typeof import('../../src/shared/packed')
  }
}

describe.runIf(haveChromium)("packed arrays in the browser's codec", () => {
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: ['src/shared/packed.ts'],
      bundle: true,
      format: 'iife',
      globalName: 'packed',
      write: false,
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    page = await browser.newPage()
    await page.addScriptTag({ content: bundle.outputFiles[0].text })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it('uses the native codec both ways', async () => {
    expect(await page.evaluate(() => window.packed.base64Codecs)).toEqual({
      encode: 'Uint8Array',
      decode: 'Uint8Array',
    })
  })

  it("writes Node's text and reads it back bit for bit, for every length", async () => {
    const pool = Uint8Array.from({ length: 3000 }, (_, i) => (i * 97 + 13) & 255)
    const texts = Array.from({ length: 40 }, (_, n) => encodeBytes(pool.subarray(0, n * 71)))
    const back = await page.evaluate((texts) => {
      const p = window.packed
      const pool = Uint8Array.from({ length: 3000 }, (_, i) => (i * 97 + 13) & 255)
      return texts.map((t, n) => {
        const bytes = p.decodeBytes(t)
        const same = bytes.every((b, i) => b === pool[i]) && bytes.length === n * 71
        return { same, text: p.encodeBytes(pool.subarray(0, n * 71)) === t }
      })
    }, texts)
    expect(back).toHaveLength(40)
    for (const r of back) expect(r).toEqual({ same: true, text: true })
  })

  it('reads packed float64 with NaN payloads and -0 exactly', async () => {
    const a = Float64Array.of(-0, NaN, Infinity, Number.MIN_VALUE, Math.PI, 2 ** 53 + 2)
    const text = encodeBytes(new Uint8Array(a.buffer))
    const words = await page.evaluate((t) => {
      const f = window.packed.decodeFloat64(t)
      return [...new Uint32Array(f.buffer, f.byteOffset, f.length * 2)]
    }, text)
    expect(words).toEqual([...new Uint32Array(a.buffer)])
  })

  it('refuses malformed text as the portable decoder does', async () => {
    const bad = ['abc', 'ab!d', 'AA  AA  ', 'AAAA\n\n\n\n', '=AAA', 'A===', 'é'.repeat(4)]
    const errors = await page.evaluate((bad) => {
      return bad.map((t) => {
        try {
          window.packed.decodeBytes(t)
          return 'accepted'
        } catch (e) {
          return (e as Error).message
        }
      })
    }, bad)
    expect(errors).toHaveLength(bad.length)
    expect(errors[0]).toMatch(/multiple of 4/)
    for (const message of errors.slice(1)) expect(message).toMatch(/outside the alphabet/)
  })
})
