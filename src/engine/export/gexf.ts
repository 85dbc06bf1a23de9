// GEXF 1.3 (Gephi, Gephi Lite, networkx), streamed. One week, a forecast graph or a view is a
// static graph; a range of weeks is a dynamic GEXF — nodes and edges with <spells> and per-week
// <attvalue start end> — that Gephi's timeline plays. Why not graphology-gexf's writer: it has no
// time model (no spells), and on the largest real-scale week (10.9k nodes, 75k edges) it took
// 14× as long as this writer in the same process (BENCHMARKS.md, "Exports"), building the whole
// document through xml-writer; the tests read every file back with graphology-gexf's parser
// and with networkx instead.
import type { WeekId } from '../../shared/domain'
import { addWeeks, dateToMs, msToDate } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { ExportSource, GraphSlice } from './source'
import { xmlAttr, xmlNumber } from './xml'

export interface WriteContext {
  signal?: AbortSignal
  /** Weeks read so far of the source's weeks. */
  progress?(done: number, total: number, message: string): void
}

export interface WriteCounts {
  nodes: number
  edges: number
}

/**
 * Between weeks: lets the event loop run (a cancel, a server's other calls, Ctrl-C) and stops
 * when the export was cancelled.
 */
export async function betweenWeeks(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve))
  if (signal?.aborted)
    throw new DexposureError('CANCELLED', 'export cancelled; no file was written')
}

const today = (): string => new Date().toISOString().slice(0, 10)

function header(source: ExportSource, graphAttrs: string, attributes: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n' +
    `<meta lastmodifieddate="${today()}"><creator>DeXposure Workbench</creator>` +
    `<description>${xmlAttr(source.description + (source.synthetic ? ' — SYNTHETIC demo data' : ''))}</description></meta>\n` +
    `<graph defaultedgetype="directed"${graphAttrs}>\n${attributes}`
  )
}

const attribute = (id: string, type: string): string =>
  `<attribute id="${id}" title="${id}" type="${type}"/>`

const FLUSH = 1 << 20

/** A static GEXF of one slice (a week, a forecast graph, a view), streamed to `out`. */
export function staticGexf(
  source: ExportSource,
  slice: GraphSlice,
  out: (text: string) => void,
): WriteCounts {
  const n = slice.nodeIds.length
  const sis = slice.sis
  const hasSis = sis !== null && sis.some((v) => Number.isFinite(v))
  const prob = slice.probability
  let text = header(
    source,
    '',
    '<attributes class="node">' +
      attribute('tvl', 'double') +
      attribute('category', 'string') +
      attribute('sector', 'string') +
      attribute('kind', 'string') +
      (hasSis ? attribute('sis', 'double') : '') +
      '</attributes>\n' +
      (prob
        ? `<attributes class="edge">${attribute('probability', 'double')}</attributes>\n`
        : '') +
      '<nodes>\n',
  )
  const ids = slice.nodeIds.map(xmlAttr)
  for (let i = 0; i < n; i++) {
    text +=
      `<node id="${ids[i]}" label="${xmlAttr(slice.names[i] ?? slice.nodeIds[i])}"><attvalues>` +
      `<attvalue for="tvl" value="${xmlNumber(slice.sizes[i])}"/>` +
      `<attvalue for="category" value="${xmlAttr(slice.categories[i])}"/>` +
      `<attvalue for="sector" value="${xmlAttr(slice.sectors[i])}"/>` +
      `<attvalue for="kind" value="${slice.kinds[i]}"/>` +
      (hasSis && Number.isFinite(sis![i])
        ? `<attvalue for="sis" value="${xmlNumber(sis![i])}"/>`
        : '') +
      '</attvalues></node>\n'
    if (text.length > FLUSH) {
      out(text)
      text = ''
    }
  }
  text += '</nodes>\n<edges>\n'
  for (let j = 0; j < slice.edgeSrc.length; j++) {
    text +=
      `<edge id="e${j}" source="${ids[slice.edgeSrc[j]]}" target="${ids[slice.edgeDst[j]]}" ` +
      `weight="${xmlNumber(slice.edgeWeight[j])}"` +
      (prob
        ? `><attvalues><attvalue for="probability" value="${xmlNumber(prob[j])}"/></attvalues></edge>\n`
        : '/>\n')
    if (text.length > FLUSH) {
      out(text)
      text = ''
    }
  }
  out(text + '</edges>\n</graph>\n</gexf>\n')
  return { nodes: n, edges: slice.edgeSrc.length }
}

// ---- dynamic GEXF (a range of weeks)

/** Growable typed columns of one (edge or node) × week row each. */
class Rows {
  item = new Int32Array(1024)
  week = new Int32Array(1024)
  value = new Float64Array(1024)
  value2 = new Float64Array(1024)
  length = 0
  push(item: number, week: number, value: number, value2: number): void {
    if (this.length === this.item.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2)
        b.set(a)
        return b
      }
      this.item = grow(this.item)
      this.week = grow(this.week)
      this.value = grow(this.value)
      this.value2 = grow(this.value2)
    }
    const k = this.length++
    this.item[k] = item
    this.week[k] = week
    this.value[k] = value
    this.value2[k] = value2
  }
  /** Row positions grouped by item (in push order within an item): a counting sort. */
  byItem(items: number): { offsets: Int32Array; order: Int32Array } {
    const offsets = new Int32Array(items + 1)
    for (let k = 0; k < this.length; k++) offsets[this.item[k] + 1]++
    for (let i = 0; i < items; i++) offsets[i + 1] += offsets[i]
    const fill = offsets.slice(0, items)
    const order = new Int32Array(this.length)
    for (let k = 0; k < this.length; k++) order[fill[this.item[k]]++] = k
    return { offsets, order }
  }
}

const DAY_MS = 86_400_000
const lastDayOf = (week: WeekId): string => msToDate(dateToMs(week) + 6 * DAY_MS)

/** Each week's Sunday, and whether the next archived week follows it by 7 days. */
interface WeekTable {
  weeks: WeekId[]
  ends: string[]
  nextFollows: boolean[]
}

function weekTable(weeks: WeekId[]): WeekTable {
  return {
    weeks,
    ends: weeks.map(lastDayOf),
    nextFollows: weeks.map((w, i) => i + 1 < weeks.length && addWeeks(w, 1) === weeks[i + 1]),
  }
}

/**
 * Spells of the weeks an item is present in: consecutive weeks (7 days apart) form one spell
 * from the first Monday to the last week's Sunday (GEXF intervals are closed).
 */
function spells(t: WeekTable, rows: Rows, order: Int32Array, from: number, to: number): string {
  let out = '<spells>'
  let start = -1
  let prev = -1
  for (let k = from; k < to; k++) {
    const w = rows.week[order[k]]
    if (start < 0) start = w
    else if (!(t.nextFollows[prev] && prev + 1 === w)) {
      out += `<spell start="${t.weeks[start]}" end="${t.ends[prev]}"/>`
      start = w
    }
    prev = w
  }
  if (start >= 0) out += `<spell start="${t.weeks[start]}" end="${t.ends[prev]}"/>`
  return out + '</spells>'
}

/** A dynamic GEXF of a range of weeks, streamed to `out`. Holds ~24 bytes per node- or edge-week. */
export async function dynamicGexf(
  source: ExportSource,
  out: (text: string) => void,
  ctx: WriteContext = {},
): Promise<WriteCounts> {
  const weeks = source.weeks
  const nodeIndex = new Map<string, number>()
  const nodeInfo: { label: string; category: string; sector: string; kind: string }[] = []
  const nodeRows = new Rows()
  const edgeIndex = new Map<string, number>()
  const edgeEnds: [number, number][] = []
  const edgeRows = new Rows()
  let anySis = false
  for (let w = 0; w < weeks.length; w++) {
    await betweenWeeks(ctx.signal)
    const week = weeks[w]
    const s = source.slice(week)
    const local = new Int32Array(s.nodeIds.length)
    for (let i = 0; i < s.nodeIds.length; i++) {
      const id = s.nodeIds[i]
      let u = nodeIndex.get(id)
      if (u === undefined) {
        u = nodeInfo.length
        nodeIndex.set(id, u)
        nodeInfo.push({
          label: s.names[i] ?? id,
          category: s.categories[i],
          sector: s.sectors[i],
          kind: s.kinds[i],
        })
      }
      local[i] = u
      const sis = s.sis ? s.sis[i] : NaN
      if (Number.isFinite(sis)) anySis = true
      nodeRows.push(u, w, s.sizes[i], sis)
    }
    for (let j = 0; j < s.edgeSrc.length; j++) {
      const a = local[s.edgeSrc[j]]
      const b = local[s.edgeDst[j]]
      const key = `${a} ${b}`
      let e = edgeIndex.get(key)
      if (e === undefined) {
        e = edgeEnds.length
        edgeIndex.set(key, e)
        edgeEnds.push([a, b])
      }
      edgeRows.push(e, w, s.edgeWeight[j], NaN)
    }
    ctx.progress?.(w + 1, weeks.length, week)
  }

  const t = weekTable(weeks)
  const first = weeks[0]
  const last = t.ends[weeks.length - 1]
  out(
    header(
      source,
      ` mode="dynamic" timeformat="date" timerepresentation="interval" start="${first}" end="${last}"`,
      '<attributes class="node" mode="static">' +
        attribute('category', 'string') +
        attribute('sector', 'string') +
        attribute('kind', 'string') +
        '</attributes>\n<attributes class="node" mode="dynamic">' +
        attribute('tvl', 'double') +
        (anySis ? attribute('sis', 'double') : '') +
        '</attributes>\n<attributes class="edge" mode="dynamic">' +
        attribute('usd', 'double') +
        '</attributes>\n<nodes>\n',
    ),
  )
  const nodes = nodeRows.byItem(nodeInfo.length)
  // a Map keeps insertion order: its keys are the node ids by index
  const ids = [...nodeIndex.keys()]
  let text = ''
  for (let u = 0; u < nodeInfo.length; u++) {
    const info = nodeInfo[u]
    const from = nodes.offsets[u]
    const to = nodes.offsets[u + 1]
    text +=
      `<node id="${xmlAttr(ids[u])}" label="${xmlAttr(info.label)}"><attvalues>` +
      `<attvalue for="category" value="${xmlAttr(info.category)}"/>` +
      `<attvalue for="sector" value="${xmlAttr(info.sector)}"/>` +
      `<attvalue for="kind" value="${info.kind}"/>`
    for (let k = from; k < to; k++) {
      const r = nodes.order[k]
      const w = nodeRows.week[r]
      const span = `start="${weeks[w]}" end="${t.ends[w]}"`
      text += `<attvalue for="tvl" value="${xmlNumber(nodeRows.value[r])}" ${span}/>`
      if (Number.isFinite(nodeRows.value2[r]))
        text += `<attvalue for="sis" value="${xmlNumber(nodeRows.value2[r])}" ${span}/>`
    }
    text += '</attvalues>' + spells(t, nodeRows, nodes.order, from, to) + '</node>\n'
    if (text.length > FLUSH) {
      out(text)
      text = ''
    }
  }
  out(text + '</nodes>\n<edges>\n')
  text = ''
  const edges = edgeRows.byItem(edgeEnds.length)
  for (let e = 0; e < edgeEnds.length; e++) {
    const from = edges.offsets[e]
    const to = edges.offsets[e + 1]
    const [a, b] = edgeEnds[e]
    // the static weight is the last week's; the timeline reads `usd` week by week
    text +=
      `<edge id="e${e}" source="${xmlAttr(ids[a])}" target="${xmlAttr(ids[b])}" ` +
      `weight="${xmlNumber(edgeRows.value[edges.order[to - 1]])}"><attvalues>`
    for (let k = from; k < to; k++) {
      const r = edges.order[k]
      const w = edgeRows.week[r]
      text += `<attvalue for="usd" value="${xmlNumber(edgeRows.value[r])}" start="${weeks[w]}" end="${t.ends[w]}"/>`
    }
    text += '</attvalues>' + spells(t, edgeRows, edges.order, from, to) + '</edge>\n'
    if (text.length > FLUSH) {
      out(text)
      text = ''
    }
  }
  out(text + '</edges>\n</graph>\n</gexf>\n')
  return { nodes: nodeInfo.length, edges: edgeEnds.length }
}
