// A probe for `BENCH_INIT_SCRIPT` (bench/scenario-ui.mjs): every WebGL2 draw, clear, blit,
// texture upload and readback of the page timed alone — a one-pixel readPixels of the default
// framebuffer before and after each call waits for SwiftShader to finish what is queued
// (gl.finish does not, in Chromium) —, summed by program (names of its uniforms and attributes,
// `edges` / `depth` for the edge layer's) and target (`screen`, or framebuffers numbered in the
// order first bound). `window.__glTake()` answers [label, calls, ms] rows of ≥ 1 ms and starts
// again. The readbacks serialise the GPU work, so the sum is more than a frame takes: read shares.
;(() => {
  const P = WebGL2RenderingContext.prototype
  const acc = new Map()
  const progLabel = new WeakMap()
  const fboLabel = new WeakMap()
  let fboCount = 0
  const origShaderSource = P.shaderSource
  const shaderSrc = new WeakMap()
  P.shaderSource = function (s, src) {
    shaderSrc.set(s, src)
    return origShaderSource.call(this, s, src)
  }
  const origAttach = P.attachShader
  P.attachShader = function (p, s) {
    const src = shaderSrc.get(s) || ''
    if (src.includes('gl_FragColor') || src.includes('out vec4') || src.includes('fragColor')) {
      const m = src.match(/\b(u_\w+)/g) || []
      const tag = src.includes('log(') ? 'depth' : src.includes('u_items') ? 'edges' : ''
      const prev = progLabel.get(p) || ''
      progLabel.set(p, prev + (tag || [...new Set(m)].slice(0, 3).join(',')) + '|')
    } else {
      const m = src.match(/\b(u_\w+|a_\w+)/g) || []
      const prev = progLabel.get(p) || ''
      progLabel.set(p, prev + [...new Set(m)].slice(0, 4).join(',') + '|')
    }
    return origAttach.call(this, p, s)
  }
  let cur = new WeakMap()
  const origUse = P.useProgram
  P.useProgram = function (p) {
    cur.set(this, p)
    return origUse.call(this, p)
  }
  const origBindFb = P.bindFramebuffer
  const curFb = new WeakMap()
  P.bindFramebuffer = function (t, fb) {
    if (fb && !fboLabel.has(fb)) fboLabel.set(fb, 'fbo' + ++fboCount)
    if (t !== this.READ_FRAMEBUFFER) curFb.set(this, fb)
    return origBindFb.call(this, t, fb)
  }
  const canvasId = new WeakMap()
  let canvases = 0
  const px = new Uint8Array(4)
  const origRead = P.readPixels
  const sync = (gl) => {
    const rb = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING)
    origBindFb.call(gl, gl.READ_FRAMEBUFFER, null)
    origRead.call(gl, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px)
    origBindFb.call(gl, gl.READ_FRAMEBUFFER, rb)
  }
  const wrap = (name) => {
    const orig = P[name]
    P[name] = function (...a) {
      if (!canvasId.has(this.canvas)) canvasId.set(this.canvas, 'c' + ++canvases)
      sync(this)
      const t = performance.now()
      const r = orig.apply(this, a)
      sync(this)
      const d = performance.now() - t
      const p = cur.get(this)
      const fb = curFb.get(this)
      const key = `${canvasId.get(this.canvas)} ${name} ${name.startsWith('draw') ? (progLabel.get(p) || '?').slice(0, 70) : ''} → ${fb ? fboLabel.get(fb) : 'screen'}`
      const o = acc.get(key) || { n: 0, ms: 0 }
      o.n++
      o.ms += d
      acc.set(key, o)
      return r
    }
  }
  for (const n of [
    'drawArrays',
    'drawElements',
    'drawArraysInstanced',
    'drawElementsInstanced',
    'clear',
    'blitFramebuffer',
    'texImage2D',
    'texSubImage2D',
    'readPixels',
  ])
    wrap(n)
  window.__glTake = () => {
    const out = [...acc.entries()]
      .map(([k, v]) => [k, v.n, +v.ms.toFixed(1)])
      .filter((x) => x[2] >= 1)
      .sort((a, b) => b[2] - a[2])
    acc.clear()
    return out
  }
})()
