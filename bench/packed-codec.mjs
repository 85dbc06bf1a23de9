// The packed-array codec (src/shared/packed.ts) on a 5 MB array, the size of a real-scale forecast
// frame's columns: the host's native codec (what encodeBytes / decodeBytes use — Node's Buffer for
// encoding, Chromium's Uint8Array.fromBase64 / toBase64) beside the portable table-driven loops
// measured in the same process, in Node and in headless Debian Chromium.
//   node bench/packed-codec.mjs [--mb 5] [--runs 15]
// Prints JSON: median ms per call and MB/s for each side, and the ratio.
import { build } from 'esbuild'
import { parseArgs } from 'node:util'
import * as ui from './ui-harness.mjs'

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '5' }, runs: { type: 'string', default: '15' } },
})
const bytes = Math.round(Number(values.mb) * 1e6)
const runs = Number(values.runs)

const bundle = (
  await build({
    entryPoints: ['src/shared/packed.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'packed',
    write: false,
  })
).outputFiles[0].text

// Runs in Node (the bundle evaluated) and in the page: the same code either way.
function measure(p, bytes, runs) {
  const data = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i++) data[i] = (i * 2654435761) >>> 24
  const text = p.encodeBytesPortable(data)
  const time = (f) => {
    f() // warm: each side timed on compiled code
    f()
    const t = []
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now()
      f()
      t.push(performance.now() - t0)
    }
    t.sort((a, b) => a - b)
    return t[t.length >> 1]
  }
  const check = p.decodeBytes(text)
  if (check.length !== bytes || p.encodeBytes(data) !== text) throw new Error('codecs disagree')
  return {
    codecs: p.base64Codecs,
    encode: {
      host: time(() => p.encodeBytes(data)),
      portable: time(() => p.encodeBytesPortable(data)),
    },
    decode: {
      host: time(() => p.decodeBytes(text)),
      portable: time(() => p.decodeBytesPortable(text)),
    },
  }
}

const summarise = (m) => ({
  codecs: m.codecs,
  ...Object.fromEntries(
    ['encode', 'decode'].map((k) => [
      k,
      {
        hostMs: +m[k].host.toFixed(2),
        portableMs: +m[k].portable.toFixed(2),
        hostMBs: Math.round(bytes / 1e3 / m[k].host),
        portableMBs: Math.round(bytes / 1e3 / m[k].portable),
        portableOverHost: +(m[k].portable / m[k].host).toFixed(1),
      },
    ]),
  ),
})

const node = new Function(`${bundle}; return packed`)()
const result = { machine: ui.machine(), bytes, runs, node: summarise(measure(node, bytes, runs)) }
const browser = await ui.launchBrowser()
try {
  const page = await browser.newPage()
  await page.addScriptTag({ content: bundle })
  const m = await page.evaluate(
    ([src, bytes, runs]) => new Function(`return ${src}`)()(window.packed, bytes, runs),
    [measure.toString(), bytes, runs],
  )
  result.chromium = summarise(m)
} finally {
  await browser.close()
}
console.log(JSON.stringify(result, null, 2))
