// Starting positions for ForceAtlas2. A node without a stored position starts near the mean of its
// already-placed neighbours (plus a small jitter), or, without any, at a point of a disc around the
// layout. Every random draw comes from the node's id, so a node's seed does not depend on which
// other nodes happen to be new: the same archive always gives the same start.
import { Rng } from '../demo/rng'
import type { UnionEdges } from './universe'

export interface SeedInput {
  ids: readonly string[]
  /** Positions, read for placed nodes and written for the others. */
  x: Float32Array
  y: Float32Array
  /** 1 for nodes whose position is known; set to 1 as nodes are seeded. */
  placed: Uint8Array
  /** Order in which unplaced nodes are seeded (largest first: hubs anchor their neighbourhoods). */
  order: ArrayLike<number>
  edges: UnionEdges
}

/** Seeds every unplaced node in place; returns how many were seeded. */
export function seedPositions(s: SeedInput): number {
  const n = s.ids.length
  const { offsets, neighbours } = adjacency(n, s.edges)
  const { cx, cy, radius } = extent(s.x, s.y, s.placed, n)
  // the typical spacing of n nodes on the disc: the jitter keeps new neighbours of one hub apart
  const jitter = radius / Math.sqrt(Math.max(n, 1))
  let seeded = 0
  for (let k = 0; k < s.order.length; k++) {
    const u = s.order[k]
    if (s.placed[u]) continue
    const rng = new Rng(idHash(s.ids[u]))
    let sx = 0
    let sy = 0
    let count = 0
    for (let p = offsets[u]; p < offsets[u + 1]; p++) {
      const v = neighbours[p]
      if (!s.placed[v]) continue
      sx += s.x[v]
      sy += s.y[v]
      count++
    }
    if (count > 0) {
      const angle = rng.next() * 2 * Math.PI
      const r = jitter * (0.5 + rng.next())
      s.x[u] = sx / count + r * Math.cos(angle)
      s.y[u] = sy / count + r * Math.sin(angle)
    } else {
      const p = discPoint(s.ids[u], radius)
      s.x[u] = cx + p.x
      s.y[u] = cy + p.y
    }
    s.placed[u] = 1
    seeded++
  }
  return seeded
}

/** A point of the disc of `radius` around the origin, drawn from the id (uniform over the area). */
export function discPoint(id: string, radius: number): { x: number; y: number } {
  const rng = new Rng(idHash(id), 1)
  const r = radius * Math.sqrt(rng.next())
  const angle = rng.next() * 2 * Math.PI
  return { x: r * Math.cos(angle), y: r * Math.sin(angle) }
}

/** The radius of a first layout's disc: FA2 settles at roughly this scale for n nodes. */
export const initialRadius = (n: number): number => 10 * Math.sqrt(Math.max(n, 1))

/** Centroid and root-mean-square radius of the placed nodes (the initial disc when none is). */
export function extent(
  x: Float32Array,
  y: Float32Array,
  placed: Uint8Array,
  n: number,
): { cx: number; cy: number; radius: number } {
  let count = 0
  let sx = 0
  let sy = 0
  for (let u = 0; u < n; u++)
    if (placed[u]) {
      sx += x[u]
      sy += y[u]
      count++
    }
  if (count === 0) return { cx: 0, cy: 0, radius: initialRadius(n) }
  const cx = sx / count
  const cy = sy / count
  let ss = 0
  for (let u = 0; u < n; u++) if (placed[u]) ss += (x[u] - cx) ** 2 + (y[u] - cy) ** 2
  return { cx, cy, radius: Math.max(Math.sqrt(ss / count), 1) }
}

/** CSR adjacency of the undirected union edges. */
function adjacency(n: number, e: UnionEdges): { offsets: Int32Array; neighbours: Int32Array } {
  const offsets = new Int32Array(n + 1)
  for (let j = 0; j < e.a.length; j++) {
    offsets[e.a[j] + 1]++
    offsets[e.b[j] + 1]++
  }
  for (let u = 0; u < n; u++) offsets[u + 1] += offsets[u]
  const fill = offsets.slice(0, n)
  const neighbours = new Int32Array(offsets[n])
  for (let j = 0; j < e.a.length; j++) {
    neighbours[fill[e.a[j]]++] = e.b[j]
    neighbours[fill[e.b[j]]++] = e.a[j]
  }
  return { offsets, neighbours }
}

/** FNV-1a of the id's UTF-16 code units: a stable seed per node. */
function idHash(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** 1 for nodes with at least one union edge. */
export function connected(n: number, e: UnionEdges): Uint8Array {
  const has = new Uint8Array(n)
  for (let j = 0; j < e.a.length; j++) has[e.a[j]] = has[e.b[j]] = 1
  return has
}

/** The nodes of `mask` (as universe indices) and the edges among them, renumbered. */
export function subgraph(
  mask: Uint8Array,
  e: UnionEdges,
): { nodes: Int32Array; edges: UnionEdges } {
  const at = new Int32Array(mask.length).fill(-1)
  const nodes: number[] = []
  for (let u = 0; u < mask.length; u++)
    if (mask[u]) {
      at[u] = nodes.length
      nodes.push(u)
    }
  const a = new Int32Array(e.a.length)
  const b = new Int32Array(e.a.length)
  for (let j = 0; j < e.a.length; j++) {
    a[j] = at[e.a[j]]
    b[j] = at[e.b[j]]
  }
  return { nodes: Int32Array.from(nodes), edges: { a, b, weight: e.weight } }
}

/**
 * Puts the nodes outside `core` that are not `fixed` on a thin ring just outside the core's
 * farthest node, at an angle drawn from the id.
 */
export function placeOnRing(
  ids: readonly string[],
  x: Float32Array,
  y: Float32Array,
  core: Uint8Array,
  fixed: Uint8Array,
): void {
  const n = ids.length
  const { cx, cy } = extent(x, y, core, n)
  let far = 0
  let any = false
  for (let u = 0; u < n; u++)
    if (core[u]) {
      far = Math.max(far, Math.hypot(x[u] - cx, y[u] - cy))
      any = true
    }
  const radius = any ? far * 1.05 + 1 : initialRadius(n)
  for (let u = 0; u < n; u++) {
    if (core[u] || fixed[u]) continue
    const rng = new Rng(idHash(ids[u]), 2)
    const angle = rng.next() * 2 * Math.PI
    const r = radius * (1 + 0.03 * rng.next())
    x[u] = cx + r * Math.cos(angle)
    y[u] = cy + r * Math.sin(angle)
  }
}
