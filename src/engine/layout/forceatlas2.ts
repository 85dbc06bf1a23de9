// ForceAtlas2 (graphology-layout-forceatlas2 0.10.1) run synchronously in a worker thread: the
// engine's thread keeps answering calls, progress arrives in iterations, and cancelling terminates
// the worker. The worker drives the library's own iteration step over its node and edge matrices,
// built here and moved to the worker without copying; the result moves back the same way.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import forceAtlas2, { type ForceAtlas2Settings } from 'graphology-layout-forceatlas2'
import { DexposureError } from '../../shared/errors'
import type { UnionEdges } from './universe'

// The library's matrix layout (helpers.js): 10 floats per node, 3 per edge.
const PPN = 10
const PPE = 3
const NODE_MASS = 6
const NODE_CONVERGENCE = 7
const NODE_SIZE = 8
const NODE_FIXED = 9

const DEFAULTS: Required<ForceAtlas2Settings> = {
  linLogMode: false,
  outboundAttractionDistribution: false,
  adjustSizes: false,
  edgeWeightInfluence: 1,
  scalingRatio: 1,
  strongGravityMode: false,
  gravity: 1,
  slowDown: 1,
  barnesHutOptimize: false,
  barnesHutTheta: 0.5,
}

/**
 * The library's inferred settings (Barnes-Hut above 2,000 nodes) with theta 1. The library's
 * test is 2·size/distance < theta, so its default 0.5 is stricter than the classic Barnes-Hut
 * 0.5 (size/distance): theta 1 is the classic criterion and about 40 % faster per iteration on a
 * real-scale universe (measured).
 */
export function layoutSettings(order: number): Required<ForceAtlas2Settings> {
  return { ...DEFAULTS, ...forceAtlas2.inferSettings(order), barnesHutTheta: 1 }
}

export interface Fa2Input {
  x: Float32Array
  y: Float32Array
  /** 1: the node does not move (pinned, or placed before an incremental run). */
  fixed: Uint8Array
  edges: UnionEdges
  iterations: number
  settings?: Required<ForceAtlas2Settings>
}

export interface Fa2Options {
  signal?: AbortSignal
  /** Called at most about every 100 ms, and after the last iteration. */
  onProgress?: (iterations: number, total: number) => void
}

export interface Fa2Result {
  x: Float32Array
  y: Float32Array
  settings: Required<ForceAtlas2Settings>
  ms: number
}

// The worker's body: plain JavaScript evaluated in the worker (no bundling or TypeScript loader
// needed, the same from source and from out/node). It loads the library's step by absolute path.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const iterate = require(workerData.iteratePath)
const { settings, nodes, edges, iterations } = workerData
let last = Date.now()
for (let i = 1; i <= iterations; i++) {
  iterate(settings, nodes, edges)
  const now = Date.now()
  if (now - last >= 100 || i === iterations) {
    parentPort.postMessage({ type: 'progress', done: i })
    last = now
  }
}
parentPort.postMessage({ type: 'done', nodes }, [nodes.buffer])
`

const iteratePath = (): string =>
  createRequire(import.meta.url).resolve('graphology-layout-forceatlas2/iterate.js')

/** Runs `iterations` ForceAtlas2 steps in a worker; rejects with CANCELLED when `signal` aborts. */
export function runForceAtlas2(input: Fa2Input, opts: Fa2Options = {}): Promise<Fa2Result> {
  const n = input.x.length
  const settings = input.settings ?? layoutSettings(n)
  const { a, b, weight } = input.edges
  const nodes = new Float32Array(n * PPN)
  for (let u = 0; u < n; u++) {
    const o = u * PPN
    nodes[o] = input.x[u]
    nodes[o + 1] = input.y[u]
    nodes[o + NODE_MASS] = 1
    nodes[o + NODE_CONVERGENCE] = 1
    nodes[o + NODE_SIZE] = 1
    nodes[o + NODE_FIXED] = input.fixed[u] ? 1 : 0
  }
  const edges = new Float32Array(a.length * PPE)
  for (let j = 0; j < a.length; j++) {
    // as graphToByteArrays: endpoints are offsets into the node matrix, mass is 1 + weighted degree
    edges[j * PPE] = a[j] * PPN
    edges[j * PPE + 1] = b[j] * PPN
    edges[j * PPE + 2] = weight[j]
    nodes[a[j] * PPN + NODE_MASS] += weight[j]
    nodes[b[j] * PPN + NODE_MASS] += weight[j]
  }
  const started = performance.now()
  return new Promise<Fa2Result>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled())
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        iteratePath: iteratePath(),
        settings,
        nodes,
        edges,
        iterations: input.iterations,
      },
      transferList: [nodes.buffer, edges.buffer],
    })
    let settled = false
    const settle = (f: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      f()
    }
    const onAbort = () => {
      settle(() => reject(cancelled()))
      void worker.terminate()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on(
      'message',
      (m: { type: 'progress'; done: number } | { type: 'done'; nodes: Float32Array }) => {
        if (m.type === 'progress') {
          if (!settled) opts.onProgress?.(m.done, input.iterations)
          return
        }
        const x = new Float32Array(n)
        const y = new Float32Array(n)
        for (let u = 0; u < n; u++) {
          x[u] = m.nodes[u * PPN]
          y[u] = m.nodes[u * PPN + 1]
        }
        settle(() => resolve({ x, y, settings, ms: performance.now() - started }))
        void worker.terminate()
      },
    )
    worker.on('error', (e) =>
      settle(() => reject(new DexposureError('INTERNAL', `layout worker failed: ${e.message}`))),
    )
    worker.on('exit', (code) => {
      settle(() => reject(new DexposureError('INTERNAL', `layout worker exited with code ${code}`)))
    })
  })
}

const cancelled = () => new DexposureError('CANCELLED', 'layout cancelled')
