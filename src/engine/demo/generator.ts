// The weekly simulation behind the demo archive. One pass over the 283 weeks, one seeded PRNG, no
// week kept after it is yielded (real scale never holds the archive in memory).
//
// Model, per week (docs/demo-data.md explains it with the calibration sources):
// 1. Nodes: the alive set follows the calibrated node-count curve. Nodes exit (pause) with a small
//    probability, higher for unimportant ones, and come back after the pause; new ones are born in
//    birth order (DefiLlama id order for protocols, frequency order for tokens), token nodes taking
//    TOKEN_NODE_SHARE of births.
// 2. Sizes: importance (Zipf in rank) × a persistent AR(1) log deviation, normalised to the week's
//    TVL level, plus one-week glitches.
// 3. Exposure relationships holder → issuer, the token → issuer model: the holder holds 1–3 tokens
//    the issuer issues. A new relationship picks a sector cell by the real sector exposure structure,
//    a holder by importance and an issuer by how often its tokens appear in the real token map. Each
//    week a relationship carries a flow with probability q·s: s fits the week's link target, and q
//    (core ≈ 0.92, fringe ≈ 0.16) sets the churn.
// 4. Weights: weekly flows = base × lognormal noise, pulled towards the real sector shares and
//    normalised to the week's total exposure (trend × AR(1) noise; the real totals in crisis weeks,
//    where the event week's excess flows through the crisis set).
// 5. Compositions: an edge's tokens carry its flow; a node's composition is its holdings (tokens of
//    its core and currently flowing relationships, plus unmapped tokens) scaled to its size.
// 6. Raw-file noise the importer drops: links with a null target and links to issuers paused this week.
import type { NodeInput, RawComposition } from '../../shared/domain'
import type { RawLink } from '../import/normalize'
import { cents, rawComposition } from './amounts'
import {
  EXPOSURE_NOISE_AR1,
  EXPOSURE_NOISE_SD,
  SECTORS,
  SECTOR_EXPOSURE_SHARES,
  TOKEN_NODE_SHARE,
  WEEK_COUNT,
} from './calibration'
import {
  countTargets,
  crisisAt,
  demoWeekIds,
  exposureTrend,
  tvlLevel,
  type CrisisWeek,
} from './curves'
import {
  BASE_SD,
  CELL_COUNT_EXP,
  CORE_BOOST,
  CORE_Q,
  CORE_SHARE,
  EXIT_BASE,
  EXIT_FLOOR,
  EXIT_RANK_CAP,
  EXTRA_TOKENS_MEAN,
  FLOW_SD,
  FRINGE_Q,
  GLITCH_MAX,
  GLITCH_P,
  GLITCH_SD,
  HOLDING_SD,
  MAX_COMPOSITION,
  MISSING_ENDPOINT_KEEP,
  NEW_NODE_MU,
  NEW_NODE_SD,
  NULL_TARGET_SHARE,
  PAUSE_LONG_MAX,
  PAUSE_LONG_MIN,
  PAUSE_LONG_P,
  PAUSE_SHORT_MEAN,
  REL_DEATH,
  REL_TOKENS_P,
  SCALES,
  SECTOR_PULL,
  SIZE_AR,
  SIZE_SD,
  TVL_NOISE_SD,
  UNIVERSE_HEADROOM,
  type DemoScale,
} from './params'
import type { RealMetadata } from './real-metadata'
import { Relationships } from './relationships'
import { pickCumulative, Rng } from './rng'
import {
  FLAG_ALGO,
  FLAG_CEX,
  FLAG_FTX,
  FLAG_TERRA,
  KIND_TOKEN,
  buildUniverse,
  type Universe,
} from './universe'

/** One week as the raw DeXposure file holds it: links may have null or missing endpoints. */
export interface RawWeek {
  week: string
  nodes: NodeInput[]
  links: RawLink[]
}

export interface SimulationOptions {
  scale: DemoScale
  seed: number
}

/** Generates the raw weeks of one demo archive, oldest first. */
export function* simulate(opts: SimulationOptions, meta: RealMetadata): Generator<RawWeek> {
  const sim = new Simulation(opts, meta)
  const weeks = demoWeekIds()
  for (let t = 0; t < WEEK_COUNT; t++) yield sim.step(t, weeks[t])
}

const UNBORN = 0
const ALIVE = 1
const PAUSED = 2
const GONE = 3
const NS = SECTORS.length
/** Weekly chance that a node of a collapsed ecosystem leaves the data for good (all gone by +12). */
const COLLAPSE_EXIT_P = 0.35
const COLLAPSE_LAST_OFFSET = 12
/** Flows touching the crisis set in the two weeks after the event, relative to normal. */
const POST_CRISIS_FLOW = 0.15

/** The crisis of a week with the node flags it hits hard (collapse) and partly. */
interface ActiveCrisis extends CrisisWeek {
  hard: number
  soft: number
}

function activeCrisis(week: string, t: number): ActiveCrisis | null {
  const c = crisisAt(week, t)
  if (!c) return null
  return c.name === 'Terra'
    ? { ...c, hard: FLAG_TERRA, soft: FLAG_ALGO }
    : { ...c, hard: FLAG_FTX, soft: FLAG_CEX }
}

/** Size multiplier of a node in a crisis week: collapse for the hard set, a dip for the soft set. */
function crisisSizeFactor(c: CrisisWeek, hard: boolean): number {
  if (c.offset < 0) return 1
  if (hard) return c.offset === 0 ? 0.4 : c.offset === 1 ? 0.05 : 0.02
  const trough = c.name === 'Terra' ? 0.6 : 0.8
  if (c.offset === 0) return (1 + trough) / 2
  return trough + (1 - trough) * Math.min(1, (c.offset - 1) / 10)
}

/** The week's flows: relationships carrying one, with their weights before normalisation. */
interface Flows {
  kept: number[]
  keptW: number[]
  /** Flows to an issuer that is not a node this week (written as links to a missing endpoint). */
  missing: number[]
  missingW: number[]
  flowing: Uint8Array
}

class Simulation {
  private readonly rng: Rng
  private readonly scale: DemoScale
  private readonly u: Universe
  private readonly status: Uint8Array
  private readonly pauseUntil: Int32Array
  /** Persistent log-size deviation. */
  private readonly x: Float64Array
  private readonly size: Float64Array
  private readonly exitWeight: Float64Array
  /** Unmapped tokens each node holds, and their weights. */
  private readonly extras: Int32Array[]
  private readonly extraW: Float64Array[]
  /** Universe indexes in order of first appearance: the node order of every week. */
  private readonly order: number[] = []
  private nextProtocol = 0
  private nextToken = 0
  private exposureNoise = 0
  private readonly rels = new Relationships()
  private readonly cellWeight: number[][]

  constructor(opts: SimulationOptions, meta: RealMetadata) {
    this.rng = new Rng(opts.seed)
    this.scale = opts.scale
    let maxNodes = 0
    for (let t = 0; t < WEEK_COUNT; t++)
      maxNodes = Math.max(maxNodes, countTargets(t, opts.scale).nodes)
    this.u = buildUniverse(
      meta,
      Math.ceil(maxNodes * UNIVERSE_HEADROOM),
      SCALES[opts.scale].zipfAlpha,
      this.rng,
    )
    const U = this.u.size
    this.status = new Uint8Array(U)
    this.pauseUntil = new Int32Array(U)
    this.x = new Float64Array(U)
    this.size = new Float64Array(U)
    this.exitWeight = new Float64Array(U)
    for (let i = 0; i < U; i++)
      this.exitWeight[i] = Math.min(EXIT_RANK_CAP, (2 * this.u.rank[i]) / U) + EXIT_FLOOR
    this.extras = new Array<Int32Array>(U)
    this.extraW = new Array<Float64Array>(U)
    this.cellWeight = SECTOR_EXPOSURE_SHARES.map((row) =>
      row.map((v) => Math.pow(v, CELL_COUNT_EXP)),
    )
  }

  step(t: number, week: string): RawWeek {
    const crisis = activeCrisis(week, t)
    const target = countTargets(t, this.scale)
    this.updateNodes(t, target.nodes, crisis)
    this.updateSizes(t, crisis)
    this.updateRelationships()
    const flows = this.drawFlows(target.links, crisis)
    const alive = this.order.filter((i) => this.status[i] === ALIVE)
    const links = this.buildLinks(t, flows, crisis, alive)
    const nodes = this.buildNodes(flows.flowing, alive)
    return { week, nodes, links }
  }

  // ---------------------------------------------------------------- 1. nodes

  private updateNodes(t: number, target: number, crisis: ActiveCrisis | null): void {
    const { status, u, rng } = this
    const U = u.size
    let alive = 0
    for (let i = 0; i < U; i++) {
      if (crisis?.offset === 0 && u.flags[i] & crisis.hard && status[i] !== ALIVE) {
        // The collapsing ecosystem neither debuts nor comes back after the event.
        status[i] = GONE
        continue
      }
      if (status[i] !== ALIVE) continue
      if (crisis && crisis.offset >= 2 && u.flags[i] & crisis.hard) {
        if (crisis.offset >= COLLAPSE_LAST_OFFSET || rng.chance(COLLAPSE_EXIT_P)) {
          status[i] = GONE
          continue
        }
      } else if (t > 0 && rng.chance(EXIT_BASE * this.exitWeight[i])) {
        this.pause(i, t)
        continue
      }
      alive++
    }
    for (let i = 0; i < U && alive < target; i++)
      if (status[i] === PAUSED && this.pauseUntil[i] <= t) {
        status[i] = ALIVE
        alive++
      }
    while (alive < target) {
      const i = this.nextNewNode()
      if (i < 0) break
      status[i] = ALIVE
      alive++
    }
    if (alive > target) {
      // Fewer nodes this week: extra exits, mostly among small nodes.
      const candidates: number[] = []
      for (let i = 0; i < U; i++) if (status[i] === ALIVE) candidates.push(i)
      const maxWeight = EXIT_RANK_CAP + EXIT_FLOOR
      while (alive > target) {
        const i = candidates[rng.int(candidates.length)]
        if (status[i] !== ALIVE || !rng.chance(this.exitWeight[i] / maxWeight)) continue
        this.pause(i, t)
        alive--
      }
    }
  }

  private pause(i: number, t: number): void {
    const rng = this.rng
    this.status[i] = PAUSED
    this.pauseUntil[i] =
      t +
      (rng.chance(PAUSE_LONG_P)
        ? PAUSE_LONG_MIN + rng.int(PAUSE_LONG_MAX - PAUSE_LONG_MIN + 1)
        : 1 + Math.floor(-Math.log(1 - rng.next()) * PAUSE_SHORT_MEAN))
  }

  /** The next node to debut (a token with probability TOKEN_NODE_SHARE), or a paused one early. */
  private nextNewNode(): number {
    const { u, status } = this
    const popToken = () => {
      while (
        this.nextToken < u.birthTokens.length &&
        status[u.birthTokens[this.nextToken]] !== UNBORN
      )
        this.nextToken++
      return this.nextToken < u.birthTokens.length ? u.birthTokens[this.nextToken++] : -1
    }
    const popProtocol = () => {
      while (
        this.nextProtocol < u.birthProtocols.length &&
        status[u.birthProtocols[this.nextProtocol]] !== UNBORN
      )
        this.nextProtocol++
      return this.nextProtocol < u.birthProtocols.length
        ? u.birthProtocols[this.nextProtocol++]
        : -1
    }
    const wantToken = this.rng.chance(TOKEN_NODE_SHARE)
    let i = wantToken ? popToken() : popProtocol()
    if (i < 0) i = wantToken ? popProtocol() : popToken()
    if (i >= 0) {
      this.debut(i)
      return i
    }
    // Universe exhausted: the paused node due back soonest returns early.
    let best = -1
    for (let j = 0; j < u.size; j++)
      if (status[j] === PAUSED && (best < 0 || this.pauseUntil[j] < this.pauseUntil[best])) best = j
    return best
  }

  private debut(i: number): void {
    const { rng, u } = this
    const tok = u.tokens
    this.order.push(i)
    this.x[i] = NEW_NODE_MU + NEW_NODE_SD * rng.normal()
    // Unmapped tokens the node holds (LP shares, unknown and bridged symbols): 1 + Poisson-like,
    // more for important nodes.
    const lambda = EXTRA_TOKENS_MEAN * Math.min(4, Math.pow(u.size / u.rank[i], 0.25) / 2)
    let k = 1
    for (let acc = -Math.log(1 - rng.next()); acc < lambda; acc -= Math.log(1 - rng.next())) k++
    const set = new Set<number>()
    for (let j = 0; j < k; j++) set.add(tok.unmapped[pickCumulative(rng, tok.unmappedCumWeight)])
    this.extras[i] = Int32Array.from(set)
    this.extraW[i] = Float64Array.from(this.extras[i], () => rng.lognormal(0, 1.5))
  }

  // ---------------------------------------------------------------- 2. sizes

  private updateSizes(t: number, crisis: ActiveCrisis | null): void {
    const { rng, u, x, size, status } = this
    // The level is set without the glitches, so one node's glitch does not move every other node
    // (it shows in the week's total, as a data spike does).
    let level = 0
    for (const i of this.order) {
      if (status[i] !== ALIVE) {
        size[i] = 0
        continue
      }
      x[i] = SIZE_AR * x[i] + SIZE_SD * rng.normal()
      let raw = u.importance[i] * Math.exp(x[i])
      if (crisis && u.flags[i] & (crisis.hard | crisis.soft))
        raw *= crisisSizeFactor(crisis, (u.flags[i] & crisis.hard) !== 0)
      level += raw
      if (rng.chance(GLITCH_P)) {
        const g = GLITCH_SD * rng.normal()
        size[i] = raw * Math.exp(Math.max(-GLITCH_MAX, Math.min(GLITCH_MAX, g)))
      } else size[i] = raw
    }
    const tvl = (crisis?.tvl ?? tvlLevel(t)) * Math.exp(TVL_NOISE_SD * rng.normal())
    for (const i of this.order) if (status[i] === ALIVE) size[i] = cents((tvl * size[i]) / level)
  }

  // ---------------------------------------------------------------- 3. relationships

  private updateRelationships(): void {
    const { rels, status, rng } = this
    for (let r = 0; r < rels.n; r++) {
      if (!rels.live[r]) continue
      if (status[rels.src[r]] === GONE || status[rels.dst[r]] === GONE || rng.chance(REL_DEATH))
        rels.kill(r)
    }
    rels.compact()
  }

  /** Adds relationships between alive nodes until their q sums to `need`; returns the q added. */
  private addRelationships(need: number): number {
    const { u, rng, rels } = this
    const holders: number[][] = Array.from({ length: NS }, () => [])
    const issuers: number[][] = Array.from({ length: NS }, () => [])
    for (const i of this.order) {
      if (this.status[i] !== ALIVE) continue
      holders[u.sector[i]].push(i)
      if (u.issuerWeight[i] > 0) issuers[u.sector[i]].push(i)
    }
    const cumulative = (list: number[], w: Float64Array) => {
      const c = new Float64Array(list.length)
      let a = 0
      for (let k = 0; k < list.length; k++) c[k] = a += w[list[k]]
      return c
    }
    const hCum = holders.map((l) => cumulative(l, u.holderWeight))
    const iCum = issuers.map((l) => cumulative(l, u.issuerWeight))
    const cells: number[] = []
    const cellCum: number[] = []
    let acc = 0
    for (let a = 0; a < NS; a++)
      for (let b = 0; b < NS; b++)
        if (this.cellWeight[a][b] > 0 && holders[a].length > 0 && issuers[b].length > 0) {
          cells.push(a * NS + b)
          cellCum.push((acc += this.cellWeight[a][b]))
        }
    if (cells.length === 0) return 0
    const cellCumArr = Float64Array.from(cellCum)
    let added = 0
    // A saturated pool (every plausible pair taken) ends the search instead of looping forever.
    for (let failures = 0; added < need && failures < 1000;) {
      const c = cells[pickCumulative(rng, cellCumArr)]
      const a = Math.floor(c / NS)
      const b = c % NS
      const s = holders[a][pickCumulative(rng, hCum[a])]
      const d = issuers[b][pickCumulative(rng, iCum[b])]
      if (s === d || rels.has(s, d)) {
        failures++
        continue
      }
      const core = rng.chance(CORE_SHARE)
      const q = core ? rng.uniform(CORE_Q[0], CORE_Q[1]) : rng.uniform(FRINGE_Q[0], FRINGE_Q[1])
      const base =
        Math.sqrt(u.importance[s]) *
        Math.pow(u.importance[d], 0.3) *
        rng.lognormal(0, BASE_SD) *
        (core ? CORE_BOOST : 1)
      const hold = rng.lognormal(0, 1.5) * Math.sqrt(u.importance[d])
      rels.add(s, d, q, base, hold, this.pickTokens(d))
      added += q
    }
    return added
  }

  /** 1–3 of the tokens issuer d issues, the most frequent more likely. */
  private pickTokens(d: number): number[] {
    const issued = this.u.issued[d]
    const x = this.rng.next()
    const count = x < REL_TOKENS_P[0] ? 1 : x < REL_TOKENS_P[0] + REL_TOKENS_P[1] ? 2 : 3
    const want = Math.min(issued.length, count)
    const toks: number[] = []
    for (let tries = 0; toks.length < want && tries < 10; tries++) {
      const k = issued[Math.floor(issued.length * this.rng.next() ** 2)]
      if (!toks.includes(k)) toks.push(k)
    }
    return toks
  }

  // ---------------------------------------------------------------- 4. flows

  private drawFlows(linkTarget: number, crisis: ActiveCrisis | null): Flows {
    const { rels, status, rng } = this
    let pool = 0
    for (let r = 0; r < rels.n; r++)
      if (rels.live[r] && status[rels.src[r]] === ALIVE && status[rels.dst[r]] === ALIVE)
        pool += rels.q[r]
    if (pool < linkTarget) pool += this.addRelationships(linkTarget - pool)
    const s = pool > 0 ? Math.min(1, linkTarget / pool) : 0
    const flows: Flows = {
      kept: [],
      keptW: [],
      missing: [],
      missingW: [],
      flowing: new Uint8Array(rels.n),
    }
    const afterCrisis = crisis !== null && crisis.offset >= 1 && crisis.offset <= 2
    for (let r = 0; r < rels.n; r++) {
      if (!rels.live[r] || status[rels.src[r]] !== ALIVE) continue
      const dstAlive = status[rels.dst[r]] === ALIVE
      const p = rels.q[r] * s * (dstAlive ? 1 : MISSING_ENDPOINT_KEEP)
      if (!(rng.next() < p)) continue
      flows.flowing[r] = 1
      let w = rels.base[r] * Math.exp(FLOW_SD * rng.normal())
      if (afterCrisis && this.touches(r, crisis)) w *= POST_CRISIS_FLOW
      if (dstAlive) {
        flows.kept.push(r)
        flows.keptW.push(w)
      } else {
        flows.missing.push(r)
        flows.missingW.push(w)
      }
    }
    return flows
  }

  private touches(r: number, crisis: ActiveCrisis | null): boolean {
    if (!crisis) return false
    const f = this.u.flags[this.rels.src[r]] | this.u.flags[this.rels.dst[r]]
    return (f & (crisis.hard | crisis.soft)) !== 0
  }

  private cellOf(r: number): number {
    return this.u.sector[this.rels.src[r]] * NS + this.u.sector[this.rels.dst[r]]
  }

  /**
   * Scales the kept flows in place to the week's total exposure: each sector cell pulled towards
   * its real share, and in an event week the crisis set carrying the week's excess over the trend.
   * Returns the factor for flows that reach no node (they carry no cell pull and no crisis focus).
   */
  private normalizeFlows(t: number, flows: Flows, crisis: ActiveCrisis | null): number {
    const cellSum = new Float64Array(NS * NS)
    for (let k = 0; k < flows.kept.length; k++)
      cellSum[this.cellOf(flows.kept[k])] += flows.keptW[k]
    let rawSum = 0
    let shareSum = 0
    for (let c = 0; c < NS * NS; c++)
      if (cellSum[c] > 0) {
        rawSum += cellSum[c]
        shareSum += SECTOR_EXPOSURE_SHARES[Math.floor(c / NS)][c % NS]
      }
    const cellFactor = new Float64Array(NS * NS)
    for (let c = 0; c < NS * NS; c++)
      if (cellSum[c] > 0) {
        const real = SECTOR_EXPOSURE_SHARES[Math.floor(c / NS)][c % NS] / shareSum
        cellFactor[c] = Math.pow(real / (cellSum[c] / rawSum), SECTOR_PULL)
      }
    const focus = crisis?.focusShare
    let crisisSum = 0
    let otherSum = 0
    for (let k = 0; k < flows.kept.length; k++) {
      const r = flows.kept[k]
      flows.keptW[k] *= cellFactor[this.cellOf(r)]
      if (focus !== undefined && this.touches(r, crisis)) crisisSum += flows.keptW[k]
      else otherSum += flows.keptW[k]
    }
    const { rng } = this
    this.exposureNoise =
      EXPOSURE_NOISE_AR1 * this.exposureNoise +
      Math.sqrt(1 - EXPOSURE_NOISE_AR1 ** 2) * EXPOSURE_NOISE_SD * rng.normal()
    const total = crisis?.exposure ?? exposureTrend(t) * Math.exp(this.exposureNoise)
    const focused = focus !== undefined && crisisSum > 0 && otherSum > 0
    const kCrisis = focused ? (focus * total) / crisisSum : total / (crisisSum + otherSum || 1)
    const kOther = focused ? ((1 - focus) * total) / otherSum : kCrisis
    for (let k = 0; k < flows.kept.length; k++)
      flows.keptW[k] = cents(
        flows.keptW[k] * (focused && this.touches(flows.kept[k], crisis) ? kCrisis : kOther),
      )
    // Flows to missing issuers get the week's average pull and the normal (non-crisis) scale.
    return rawSum > 0 ? (kOther * (crisisSum + otherSum)) / rawSum : kOther
  }

  // ---------------------------------------------------------------- 5. links and compositions

  private buildLinks(
    t: number,
    flows: Flows,
    crisis: ActiveCrisis | null,
    alive: number[],
  ): RawLink[] {
    const { u, rng } = this
    const missingFactor = this.normalizeFlows(t, flows, crisis)
    const links: RawLink[] = []
    let logSum = 0
    for (let k = 0; k < flows.kept.length; k++) {
      const r = flows.kept[k]
      const w = flows.keptW[k]
      logSum += Math.log(w)
      links.push(this.link(r, w))
    }
    for (let k = 0; k < flows.missing.length; k++)
      links.push(this.link(flows.missing[k], cents(flows.missingW[k] * missingFactor)))
    // Links to external assets without an issuer (null target), spread through the list.
    const typical = flows.kept.length ? Math.exp(logSum / flows.kept.length) : 1
    const holderCum = new Float64Array(alive.length)
    let acc = 0
    for (let k = 0; k < alive.length; k++) holderCum[k] = acc += u.holderWeight[alive[k]]
    const nNull = Math.round(NULL_TARGET_SHARE * flows.kept.length * Math.exp(0.3 * rng.normal()))
    for (let k = 0; k < nNull && alive.length > 0; k++) {
      const i = alive[pickCumulative(rng, holderCum)]
      const ex = this.extras[i]
      const w = cents(typical * rng.lognormal(0, 2))
      const link: RawLink = {
        source: u.ids[i],
        target: null,
        weight: w,
        composition: rawComposition([u.tokens.json[ex[rng.int(ex.length)]]], [w]),
      }
      const at = rng.int(links.length + 1)
      links.push(link)
      if (at < links.length - 1) [links[at], links[links.length - 1]] = [link, links[at]]
    }
    return links
  }

  private link(r: number, w: number): RawLink {
    const { u, rels } = this
    return {
      source: u.ids[rels.src[r]],
      target: u.ids[rels.dst[r]],
      weight: w,
      composition: this.edgeComposition(r, w),
    }
  }

  /** The flow split over the relationship's tokens. */
  private edgeComposition(r: number, w: number): RawComposition {
    const { rels, rng } = this
    const json = this.u.tokens.json
    const n = rels.tokenCount(r)
    if (n === 1) return rawComposition([json[rels.tok[3 * r]]], [w])
    const keys: string[] = []
    const shares: number[] = []
    let sum = 0
    for (let j = 0; j < n; j++) {
      keys.push(json[rels.tok[3 * r + j]])
      const v = rng.lognormal(0, 1)
      shares.push(v)
      sum += v
    }
    return rawComposition(
      keys,
      shares.map((v) => cents((w * v) / sum)),
    )
  }

  private buildNodes(flowing: Uint8Array, alive: number[]): NodeInput[] {
    const { u, rels, rng, size } = this
    const U = u.size
    // A node holds the tokens of its core relationships and of those that moved this week.
    const holds = (r: number) => rels.live[r] === 1 && (flowing[r] === 1 || rels.q[r] >= CORE_Q[0])
    const start = new Int32Array(U + 1)
    for (let r = 0; r < rels.n; r++) if (holds(r)) start[rels.src[r] + 1]++
    for (let i = 0; i < U; i++) start[i + 1] += start[i]
    const list = new Int32Array(start[U])
    const fill = start.slice(0, U)
    for (let r = 0; r < rels.n; r++) if (holds(r)) list[fill[rels.src[r]]++] = r

    const nodes: NodeInput[] = []
    for (const i of alive) {
      const keys: number[] = []
      const vals: number[] = []
      for (let k = start[i]; k < start[i + 1]; k++) {
        const r = list[k]
        const n = rels.tokenCount(r)
        for (let j = 0; j < n; j++) {
          keys.push(rels.tok[3 * r + j])
          vals.push((rels.hold[r] / n) * Math.exp(HOLDING_SD * rng.normal()))
        }
      }
      const ex = this.extras[i]
      for (let j = 0; j < ex.length; j++) {
        keys.push(ex[j])
        vals.push(this.extraW[i][j] * Math.exp(HOLDING_SD * rng.normal()))
      }
      const own = u.kind[i] === KIND_TOKEN ? u.issued[i][0] : undefined
      if (own !== undefined) {
        // A token node mostly holds its own asset.
        let sum = 0
        for (const v of vals) sum += v
        keys.push(own)
        vals.push(4 * sum + 1)
      }
      const kept = vals
        .map((_, k) => k)
        .sort((a, b) => vals[b] - vals[a] || keys[a] - keys[b])
        .slice(0, MAX_COMPOSITION)
      let sum = 0
      for (const k of kept) sum += vals[k]
      nodes.push({
        id: u.ids[i],
        size: size[i],
        composition: rawComposition(
          kept.map((k) => u.tokens.json[keys[k]]),
          kept.map((k) => cents((size[i] * vals[k]) / sum)),
        ),
      })
    }
    return nodes
  }
}
