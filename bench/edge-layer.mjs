// The graph view's edge layer (views/graph/edge-layer.ts: typed arrays, one plain draw) against
// sigma's own edge program drawing the same edges, in headless Chromium (software WebGL) on the
// largest real-scale week, in the same page:
// - handing a week's edges to sigma: adding them to its graph and its full refresh (process +
//   render), the cost the layer removes from a week switch;
// - drawing them again (one frame, render call → frame presented), alternating the ways: the layer,
//   sigma's program drawn flat (views/graph/flat-draw.ts) and instanced (sigma's own draw);
// - the two pictures compared (pixels differing by more than 3 levels a channel on average).
//
//   node bench/edge-layer.mjs [--archive bench/data/real-scale.sqlite] [--week 2025-05-26]
//                             [--runs 5] [--renderer DIR]
//
// Prints a JSON summary; BENCHMARKS.md records it. Needs `npm run build` first.
import { parseArgs } from 'node:util'
import { loadavg } from 'node:os'
import {
  launchBrowser,
  machine,
  median,
  newPage,
  openDrawnWeek,
  requireArchive,
  startServer,
  tempDir,
} from './ui-harness.mjs'

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: 'bench/data/real-scale.sqlite' },
    week: { type: 'string', default: '2025-05-26' },
    runs: { type: 'string', default: '5' },
    renderer: { type: 'string' },
  },
})
const runs = Number(values.runs)
requireArchive(values.archive)

/** Moves the layer's base edges into sigma's graph (or back): ms of the hand-over (graphology
 * adds, sigma's full process and one render). */
const handOver = (page, id, toSigma) =>
  page.evaluate(([id, on]) => window.__sigma[id].dxEdgeLayer.drawBySigma(on), [id, toSigma])

/** The edges drawn again `runs` times by `way`: [render call, to presented] ms. */
const redraws = (page, id, way) =>
  page.evaluate(
    async ([id, way, runs]) => {
      const s = window.__sigma[id]
      s.edgeProgram.dxFlat.setEnabled(way !== 'instanced')
      const raf = () => new Promise((r) => requestAnimationFrame(r))
      const again = () => {
        if (way === 'layer') s.dxEdgeLayer.baseChanged()
        else s.refresh({ partialGraph: { edges: [s.getGraph().edges()[0]] }, skipIndexation: true })
      }
      again()
      s.render()
      await raf()
      await raf()
      const out = []
      for (let k = 0; k < runs; k++) {
        again()
        const t0 = performance.now()
        s.render()
        const t1 = performance.now()
        await raf()
        await raf()
        out.push({ render: t1 - t0, presented: performance.now() - t0 })
      }
      s.edgeProgram.dxFlat.setEnabled(true)
      return out
    },
    [id, way, runs],
  )

const server = await startServer({
  archive: values.archive,
  userDir: tempDir('edge-layer'),
  renderer: values.renderer ?? null,
})
const browser = await launchBrowser()
const loadAtStart = loadavg()
try {
  const page = await newPage(browser)
  const id = await openDrawnWeek(page, server.url, values.week)
  const status = await page.evaluate((i) => {
    const g = window.__graphs[i]
    return { nodes: g.nodes, edges: g.edges, drawn: window.__sigma[i].dxEdgeLayer.base.count }
  }, id)
  const shot = async () => {
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    )
    return page.locator(`[data-editor="${id}"] canvas`).first().screenshot()
  }
  const times = { layer: [], flat: [], instanced: [] }
  const intoSigma = []
  // alternating, so a change of the machine's load falls on all ways alike
  let layerShot = null
  let sigmaShot = null
  for (let round = 0; round < 2; round++) {
    times.layer.push(...(await redraws(page, id, 'layer')))
    layerShot ??= await shot()
    intoSigma.push(await handOver(page, id, true))
    times.flat.push(...(await redraws(page, id, 'flat')))
    sigmaShot ??= await shot()
    times.instanced.push(...(await redraws(page, id, 'instanced')))
    await handOver(page, id, false)
  }
  const differing = await page.evaluate(
    async ([a, b]) => {
      const decode = async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
        const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')
        g.drawImage(bmp, 0, 0)
        return g.getImageData(0, 0, bmp.width, bmp.height).data
      }
      const [p, q] = await Promise.all([decode(a), decode(b)])
      let n = 0
      for (let i = 0; i < p.length; i += 4)
        if (
          Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) >
          9
        )
          n++
      return { pixels: p.length / 4, differing: n }
    },
    [layerShot.toString('base64'), sigmaShot.toString('base64')],
  )
  const presented = (way) => Math.round(median(times[way].map((t) => t.presented)))
  const rendered = (way) => Math.round(median(times[way].map((t) => t.render)))
  const out = {
    machine: machine(),
    date: new Date().toISOString(),
    loadAvgAtStart: loadAtStart.map((x) => Math.round(x * 100) / 100),
    week: values.week,
    ...status,
    // the week's edges handed to sigma: graphology adds, sigma's full process and one render
    // (the view's own hand-over is the switch's `edges` + `styles` phases: bench/workbench-ui.mjs)
    sigmaAddAndRefreshMs: Math.round(median(intoSigma)),
    redraw: Object.fromEntries(
      ['layer', 'flat', 'instanced'].map((w) => [
        w,
        { renderMs: rendered(w), presentedMs: presented(w), runs: times[w].length },
      ]),
    ),
    ratioPresented: {
      flatOverLayer: Math.round((presented('flat') / presented('layer')) * 100) / 100,
      instancedOverLayer: Math.round((presented('instanced') / presented('layer')) * 100) / 100,
    },
    picture: differing,
    loadAvgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
  }
  console.log(JSON.stringify(out, null, 2))
} finally {
  await browser.close()
  await server.stop()
}
