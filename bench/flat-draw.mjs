// sigma's node program drawn flat (views/graph/flat-draw.ts) against sigma's own instanced draw,
// in headless Chromium (software WebGL) on the largest real-scale week, in the same page: the node
// layer drawn again (one node refreshed: nodes and their picking image), from the render call to
// the frame presented, alternating the two ways; and the two pictures compared. (The edges are not
// sigma's: bench/edge-layer.mjs measures their layer against sigma's edge program.)
// A second part draws 75k short quads in a bare WebGL2 page, instanced and as one plain draw, to
// show the per-instance cost behind it with nothing of sigma around.
//
//   node bench/flat-draw.mjs [--archive bench/data/real-scale.sqlite] [--week 2025-05-26]
//                            [--runs 5] [--renderer DIR]
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
  waitUntil,
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

/** Frames of `what` (here 'nodes') drawn again `runs` times: [render call, to presented] ms. */
const redraws = (page, id, what, flat) =>
  page.evaluate(
    async ([id, what, flat, runs]) => {
      const s = window.__sigma[id]
      for (const p of [s.edgeProgram, s.nodeProgram]) p.dxFlat.setEnabled(flat)
      const raf = () => new Promise((r) => requestAnimationFrame(r))
      const g = s.getGraph()
      const one = what === 'edges' ? { edges: [g.edges()[0]] } : { nodes: [g.nodes()[0]] }
      s.refresh({ partialGraph: one, skipIndexation: true })
      await raf()
      await raf()
      const out = []
      for (let k = 0; k < runs; k++) {
        s.refresh({ partialGraph: one, skipIndexation: true })
        const t0 = performance.now()
        s.render()
        const t1 = performance.now()
        await raf()
        await raf()
        out.push({ render: t1 - t0, presented: performance.now() - t0 })
      }
      for (const p of [s.edgeProgram, s.nodeProgram]) p.dxFlat.setEnabled(true)
      return out
    },
    [id, what, flat, runs],
  )

/** 75k short quads (6 px long, 2 px wide) in a bare WebGL2 canvas: instanced vs one plain draw. */
const bareQuads = (page) =>
  page.evaluate((runs) => {
    const canvas = document.createElement('canvas')
    canvas.width = 1100
    canvas.height = 580
    document.body.append(canvas)
    const gl = canvas.getContext('webgl2')
    const shader = (type, src) => {
      const s = gl.createShader(type)
      gl.shaderSource(s, src)
      gl.compileShader(s)
      if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s))
      return s
    }
    const program = (vs, fs) => {
      const p = gl.createProgram()
      gl.attachShader(p, shader(gl.VERTEX_SHADER, vs))
      gl.attachShader(p, shader(gl.FRAGMENT_SHADER, fs))
      gl.linkProgram(p)
      return p
    }
    const N = 75_000
    const fs = `#version 300 es
precision highp float; in vec4 v_c; out vec4 o; void main() { o = v_c; }`
    const body = `vec2 d = normalize(e.zw - e.xy); vec2 n = vec2(-d.y, d.x);
      gl_Position = vec4(mix(e.xy, e.zw, c.x) + n * c.y * 0.002, 0.0, 1.0); v_c = vec4(0.06, 0.12, 0.24, 0.3);`
    const quads = new Float32Array(N * 4)
    for (let i = 0; i < N; i++) {
      const x = Math.random() * 2 - 1
      const y = Math.random() * 2 - 1
      quads.set([x, y, x + 0.01, y + 0.002], i * 4)
    }
    const inst = program(
      `#version 300 es
in vec2 a_c; in vec4 a_e; out vec4 v_c; void main() { vec2 c = a_c; vec4 e = a_e; ${body} }`,
      fs,
    )
    const vao = gl.createVertexArray()
    gl.bindVertexArray(vao)
    const corners = gl.createBuffer()
    gl.bindBuffer(gl.ARRAY_BUFFER, corners)
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, -1, 0, 1, 1, -1, 1, 1]), gl.STATIC_DRAW)
    let at = gl.getAttribLocation(inst, 'a_c')
    gl.enableVertexAttribArray(at)
    gl.vertexAttribPointer(at, 2, gl.FLOAT, false, 0, 0)
    const items = gl.createBuffer()
    gl.bindBuffer(gl.ARRAY_BUFFER, items)
    gl.bufferData(gl.ARRAY_BUFFER, quads, gl.STATIC_DRAW)
    at = gl.getAttribLocation(inst, 'a_e')
    gl.enableVertexAttribArray(at)
    gl.vertexAttribPointer(at, 4, gl.FLOAT, false, 0, 0)
    gl.vertexAttribDivisor(at, 1)
    gl.bindVertexArray(null)
    const W = 1024
    const texture = gl.createTexture()
    gl.bindTexture(gl.TEXTURE_2D, texture)
    const padded = new Float32Array(W * Math.ceil(N / W) * 4)
    padded.set(quads)
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, W, Math.ceil(N / W), 0, gl.RGBA, gl.FLOAT, padded)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
    const flat = program(
      `#version 300 es
uniform highp sampler2D u_t; out vec4 v_c;
const vec2 C[6] = vec2[](vec2(0, -1), vec2(0, 1), vec2(1, -1), vec2(1, -1), vec2(0, 1), vec2(1, 1));
void main() { int i = gl_VertexID / 6; vec2 c = C[gl_VertexID % 6];
  vec4 e = texelFetch(u_t, ivec2(i % ${W}, i / ${W}), 0); ${body} }`,
      fs,
    )
    const empty = gl.createVertexArray()
    gl.enable(gl.BLEND)
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA)
    const pixel = new Uint8Array(4)
    const time = (draw) => {
      gl.clear(gl.COLOR_BUFFER_BIT)
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
      const t0 = performance.now()
      draw()
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
      return performance.now() - t0
    }
    const out = { instanced: [], flat: [] }
    for (let k = 0; k < runs; k++) {
      out.instanced.push(
        time(() => {
          gl.useProgram(inst)
          gl.bindVertexArray(vao)
          gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, N)
        }),
      )
      out.flat.push(
        time(() => {
          gl.useProgram(flat)
          gl.bindVertexArray(empty)
          gl.uniform1i(gl.getUniformLocation(flat, 'u_t'), 0)
          gl.drawArrays(gl.TRIANGLES, 0, N * 6)
        }),
      )
    }
    return out
  }, runs)

const server = await startServer({
  archive: values.archive,
  userDir: tempDir('flat'),
  renderer: values.renderer ?? null,
})
const browser = await launchBrowser()
const loadAtStart = loadavg()
try {
  const page = await newPage(browser)
  const id = await openDrawnWeek(page, server.url, values.week)
  const status = await page.evaluate((i) => {
    const g = window.__graphs[i]
    return { nodes: g.nodes, edges: g.edges, drawModes: g.drawModes }
  }, id)
  const times = { nodes: { flat: [], instanced: [] } }
  // alternating, so a change of the machine's load falls on both ways alike
  for (const what of ['nodes'])
    for (const flat of [true, false, true, false])
      times[what][flat ? 'flat' : 'instanced'].push(...(await redraws(page, id, what, flat)))
  const shot = async (flat) => {
    const renders = await page.evaluate((i) => window.__graphs[i].renders, id)
    await page.evaluate(
      ([i, flat]) => {
        const s = window.__sigma[i]
        for (const p of [s.edgeProgram, s.nodeProgram]) p.dxFlat.setEnabled(flat)
        s.refresh()
      },
      [id, flat],
    )
    await waitUntil(page, ([i, n]) => window.__graphs[i].renders > n, [id, renders], 600_000)
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    )
    return page.locator(`[data-editor="${id}"] canvas`).first().screenshot()
  }
  const flatShot = await shot(true)
  const instancedShot = await shot(false)
  const flatAgain = await shot(true)
  if (process.env.BENCH_DEBUG) {
    const { writeFileSync } = await import('node:fs')
    writeFileSync('.tmp/fd-flat.png', flatShot)
    writeFileSync('.tmp/fd-inst.png', instancedShot)
    writeFileSync('.tmp/fd-flat2.png', flatAgain)
  }
  const side = (what) => {
    const f = median(times[what].flat.map((t) => t.presented))
    const i = median(times[what].instanced.map((t) => t.presented))
    return {
      flatPresentedMs: Math.round(f),
      instancedPresentedMs: Math.round(i),
      ratio: Math.round((i / f) * 100) / 100,
      runs: times[what].flat.length,
    }
  }
  const bare = await bareQuads(page)
  const out = {
    machine: machine(),
    date: new Date().toISOString(),
    loadAvgAtStart: loadAtStart.map((x) => Math.round(x * 100) / 100),
    week: values.week,
    ...status,
    nodeLayerRedraw: side('nodes'),
    samePicture: Buffer.compare(flatShot, instancedShot) === 0,
    bare75kQuads: {
      instancedMs: Math.round(median(bare.instanced)),
      flatMs: Math.round(median(bare.flat)),
      ratio: Math.round((median(bare.instanced) / median(bare.flat)) * 100) / 100,
    },
    loadAvgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
  }
  console.log(JSON.stringify(out, null, 2))
} finally {
  await browser.close()
  await server.stop()
}
