// The workbench shell: archive header, weeks table, and the selected week's exposure graph. It
// talks only to window.api (Electron preload) or, in browser mode, to the loopback server.
import './style.css'
import type { CallResponse, WorkbenchApi } from '../../shared/api'
import { browserApi } from './api-client'
import { count, usd } from './format'
import { drawGraph, type DrawnGraph } from './graph'
import { runJob } from './jobs'
import { renderNodePanel } from './node-panel'

declare global {
  interface Window {
    api?: WorkbenchApi
    __status: {
      weeksLoaded: number
      graphRendered: boolean
      graphWeek: string | null
      nodeShown: string | null
    }
  }
}

window.__status = { weeksLoaded: 0, graphRendered: false, graphWeek: null, nodeShown: null }
const api: WorkbenchApi = window.api ?? browserApi()
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

function showError(e: unknown): void {
  const box = $('error')
  box.textContent = e instanceof Error ? e.message : String(e)
  box.hidden = false
}

let current: DrawnGraph | null = null
let currentData: CallResponse<'week.graph'> | null = null
let selectedWeek: string | null = null

function hideNode(): void {
  $('node-panel').hidden = true
  current?.select(null)
  window.__status.nodeShown = null
}

/** Opens a node's card: its figures in the selected week and its history across weeks. */
async function showNode(nodeId: string): Promise<void> {
  const week = selectedWeek
  const node = currentData?.nodes.find((n) => n.id === nodeId)
  if (!week || !node || !current) return
  const history = await api.call('node.history', { nodeId })
  if (selectedWeek !== week) return
  renderNodePanel($('node-panel'), node, history, week, current.colorOf(nodeId), hideNode)
  current.select(nodeId)
  window.__status.nodeShown = nodeId
}

/** Forecasts week t+1 from the selected week as an engine job; shows progress and the provider. */
async function forecastNextWeek(): Promise<void> {
  const week = selectedWeek
  if (!week) return
  const button = $<HTMLButtonElement>('forecast-btn')
  const status = $('forecast-status')
  button.disabled = true
  status.textContent = 'forecasting…'
  const cancel = $<HTMLButtonElement>('forecast-cancel')
  const done = await runJob(
    api,
    () => api.call('forecast.run', { week, horizon: 1 }),
    (p) => {
      if (p.total)
        status.textContent = `forecasting… ${Math.round((100 * p.done) / p.total)} % of pairs scored`
    },
    (jobId) => {
      cancel.hidden = false
      cancel.onclick = () => void api.call('jobs.cancel', { id: jobId }).catch(showError)
    },
  ).finally(() => {
    button.disabled = false
    cancel.hidden = true
    cancel.onclick = null
  })
  if (done.state !== 'done') {
    status.textContent = `forecast ${done.state}: ${done.message ?? ''}`
    return
  }
  const run = await api.call('forecast.latest', { week, horizon: 1 })
  if (!run) return
  const skipped = run.fallbacks.map((f) => f.provider).join(', ')
  status.textContent =
    `Forecast of ${run.target_week}: ${count(Math.round(run.expected_edges))} expected edges, ` +
    `predicted graph ${count(run.graph_edges)} edges · ran on ${run.provider}` +
    (skipped ? ` (${skipped} unavailable)` : '') +
    ` · ${(run.duration_ms / 1000).toFixed(1)} s` +
    run.warnings.map((w) => `\n⚠ ${w}`).join('')
  status.dataset.provider = run.provider
}

async function selectWeek(week: string, row: HTMLTableRowElement): Promise<void> {
  document.querySelectorAll<HTMLTableRowElement>('#weeks-table tr.selected').forEach((r) => {
    r.classList.remove('selected')
    r.tabIndex = -1
  })
  row.classList.add('selected')
  row.tabIndex = 0
  window.__status.graphRendered = false
  window.__status.graphWeek = week
  selectedWeek = week
  $<HTMLButtonElement>('forecast-btn').disabled = false
  $('forecast-status').textContent = ''
  const g = await api.call('week.graph', { week, limit: 300 })
  // stepping quickly through weeks: only the last one asked for is drawn
  if (selectedWeek !== week) return
  const shown = window.__status.nodeShown
  hideNode()
  current?.kill()
  currentData = g
  const container = $('graph')
  container.replaceChildren()
  $('graph-title').textContent = `Exposure network — week of ${week}`
  $('graph-caption').textContent =
    `${count(g.nodes.length)} largest of ${count(g.totalNodes)} nodes by TVL, ` +
    `${count(g.edges.length)} of ${count(g.totalEdges)} edges (holder → issuer)` +
    (g.synthetic ? ' — synthetic demo data' : '')
  current = drawGraph(
    container,
    g,
    () => {
      if (window.__status.graphWeek === week) window.__status.graphRendered = true
    },
    (id) => void showNode(id).catch(showError),
  )
  renderTopNodes(g)
  // keep following the same protocol from week to week
  if (shown && g.nodes.some((n) => n.id === shown)) await showNode(shown)
  const legend = $('legend')
  legend.replaceChildren(
    ...current.categories.slice(0, 12).map((c) => {
      const item = document.createElement('span')
      item.className = 'legend-item'
      const dot = document.createElement('i')
      dot.style.background = c.color
      item.append(dot, `${c.name} (${c.count})`)
      return item
    }),
  )
}

/** The largest nodes as buttons: a keyboard- and screen-reader-friendly way into the graph. */
function renderTopNodes(g: CallResponse<'week.graph'>): void {
  const label = document.createElement('span')
  label.className = 'top-label'
  label.textContent = 'Largest:'
  const buttons = g.nodes.slice(0, 8).map((n) => {
    const b = document.createElement('button')
    b.type = 'button'
    b.dataset.node = n.id
    b.textContent = n.name ?? n.id
    b.title = `${n.category} · ${usd(n.size)}`
    b.addEventListener('click', () => void showNode(n.id).catch(showError))
    return b
  })
  $('top-nodes').replaceChildren(...(buttons.length ? [label, ...buttons] : []))
}

async function start(): Promise<void> {
  $('mode').textContent = api.mode === 'electron' ? 'desktop' : 'browser mode'
  const [info, weeks] = await Promise.all([
    api.call('archive.info', {}),
    api.call('weeks.list', {}),
  ])
  $('archive').textContent = info.file
  $('synthetic').hidden = !info.synthetic
  $('weeks-count').textContent =
    `${count(weeks.length)} archived${info.firstWeek ? `, ${info.firstWeek} … ${info.lastWeek}` : ''}`
  const body = document.querySelector('#weeks-table tbody') as HTMLTableSectionElement
  const rows = [...weeks].reverse().map((w) => {
    const tr = document.createElement('tr')
    tr.dataset.week = w.week
    for (const [text, numeric] of [
      [w.week, false],
      [count(w.nodes), true],
      [count(w.edges), true],
      [usd(w.totalTvl), true],
      [usd(w.totalExposure), true],
    ] as const) {
      const td = document.createElement('td')
      td.textContent = text
      if (numeric) td.className = 'num'
      tr.append(td)
    }
    tr.tabIndex = -1
    tr.addEventListener('click', () => void selectWeek(w.week, tr).catch(showError))
    return tr
  })
  body.replaceChildren(...rows)
  // Arrow keys step through the weeks (newest first), Home/End jump to either end.
  body.addEventListener('keydown', (e) => {
    const at = rows.findIndex((r) => r.classList.contains('selected'))
    const to =
      e.key === 'ArrowDown'
        ? at + 1
        : e.key === 'ArrowUp'
          ? at - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? rows.length - 1
              : null
    if (to === null || to < 0 || to >= rows.length) return
    e.preventDefault()
    rows[to].focus()
    rows[to].scrollIntoView({ block: 'nearest' })
    void selectWeek(rows[to].dataset.week!, rows[to]).catch(showError)
  })
  window.__status.weeksLoaded = weeks.length
  if (rows.length) await selectWeek(weeks[weeks.length - 1].week, rows[0])
  else $('graph-caption').textContent = 'The archive is empty: import data with `dexposure import`.'
}

$('forecast-btn').addEventListener('click', () => void forecastNextWeek().catch(showError))
start().catch(showError)
