// The workbench's composition root: services, the shell's parts, the views that contribute to it,
// the commands and key bindings, and the per-archive state. It talks to the engine only through
// window.api (Electron preload) or, in browser mode, the loopback server's client.
import '@vscode/codicons/dist/codicon.css'
import 'virtual:dockview.css'
import './style.css'
import type { WorkbenchApi } from '../../shared/api'
import { ArchiveService } from './services/archive'
import { browserApi } from './services/api-client'
import { JobsService } from './services/jobs'
import { LogService } from './services/log'
import {
  MODEL_CHOICE_EVENT,
  modelChoiceSnapshot,
  restoreModelChoice,
  type ModelChoiceEventDetail,
} from './services/model-choice'
import { SelectionService } from './services/selection'
import { count, usd } from './ui/format'
import { importErrorEditor, importFromUi } from './views/archive/import'
import { openArchiveDialog } from './views/archive/open-archive'
import { empty, explorerView } from './views/explorer/explorer'
import { GraphData } from './views/graph/data'
import { GraphView } from './views/graph/view'
import { helpEditor } from './views/help/help'
import { renderJobsPanel } from './views/jobs/jobs-panel'
import { renderLogPanel } from './views/jobs/log-panel'
import { searchView } from './views/search/search'
import { contribute as backtest } from './views/backtest/contribution'
import { contribute as queryConsole } from './views/console/contribution'
import { contribute as dashboard } from './views/dashboard/contribution'
import type { Contribution, Workbench } from './views/context'
import { contribute as forecast } from './views/forecast/contribution'
import { contribute as risk } from './views/risk/contribution'
import { contribute as reports } from './views/reports/contribution'
import { contribute as graphExports } from './views/exports/contribution'
import { CommandRegistry, keyLabel, type Command } from './workbench/commands'
import { EditorArea } from './workbench/editors'
import { bindKeys } from './workbench/keybindings'
import { CommandPalette, type PaletteItem } from './workbench/palette'
import { WorkbenchParts } from './workbench/parts'
import { StatePersistence, type SavedWorkbench } from './workbench/persist'
import { StatusBar } from './workbench/statusbar'
import { ModelStatus } from './workbench/model-status'
import { ThemeService } from './workbench/theme'

declare global {
  interface Window {
    api?: WorkbenchApi
    /** Readiness flags for tests: the shell is up, the archive loaded, the state restored. */
    __workbench?: { ready: boolean; restored: boolean; archive: string | null; errors: number }
  }
}

const api: WorkbenchApi = window.api ?? browserApi()
window.__workbench = { ready: false, restored: false, archive: null, errors: 0 }

const log = new LogService()
const report = (e: unknown): void => {
  window.__workbench!.errors++
  log.error('workbench', e)
  console.error(e)
}
const archive = new ArchiveService(api)
const selection = new SelectionService()
const jobs = new JobsService(api, log)
const theme = new ThemeService()
const data = new GraphData(api)
const commands = new CommandRegistry()

const root = document.getElementById('app')!
const parts = new WorkbenchParts(root)
const editors = new EditorArea(parts.editorHost, report, renderEmptyEditor)
const status = new StatusBar(parts.statusBar)

// ---- editors ---------------------------------------------------------------------------------
const graphDeps = { api, data, archive, selection, theme, log, report }
editors.registerType('graph', (params, ctx) => new GraphView(graphDeps, ctx, params))
editors.registerType('help', () => helpEditor(commands))
// 'model' (the model card) is registered by the backtest contribution, with its actions
editors.registerType('import-error', (params) =>
  importErrorEditor(params as unknown as Parameters<typeof importErrorEditor>[0]),
)

/** The graph view of the active tab (or the last graph tab used). */
let lastGraph: string | null = null
function activeGraph(): GraphView | null {
  const id = editors.activeId
  const view = id ? editors.instance(id) : undefined
  if (view instanceof GraphView) {
    lastGraph = id
    return view
  }
  const last = lastGraph ? editors.instance(lastGraph) : undefined
  if (last instanceof GraphView) return last
  // after a restored layout whose active tab is not a graph (Help, a dashboard …): the first
  // open graph, so the week keys and graph commands work without a click first
  for (const other of editors.ids()) {
    const v = editors.instance(other)
    if (v instanceof GraphView) {
      lastGraph = other
      return v
    }
  }
  return null
}

let graphCounter = 0
/** Shows a week in the active graph, or opens a graph tab (a split beside it when asked); a new
 * tab selects `node` once drawn. */
function openGraph(week: string | null, split?: 'right' | 'below', node?: string): string | null {
  const w = week ?? archive.lastWeek
  if (!w) return null
  const existing = activeGraph()
  if (existing && !split) {
    // the week it shows already: nothing to load (a playback or a dashboard link asks for the
    // week it needs; loading it again cost ≈ 130–150 ms on a real-scale week)
    if (existing.requestedWeek !== w) void existing.showWeek(w).catch(report)
    if (node) existing.selectNode(node, true)
    return lastGraph
  }
  const id = `graph-${Date.now().toString(36)}-${graphCounter++}`
  const params = node ? { week: w, node } : { week: w }
  editors.open({ id, type: 'graph', title: `Week ${w}`, params, split })
  lastGraph = id
  return id
}

function graphById(id: string): GraphView | null {
  const view = editors.instance(id)
  return view instanceof GraphView ? view : null
}

function goToNode(id: string): void {
  const g = activeGraph()
  if (g) g.selectNode(id, true)
  else openGraph(archive.lastWeek, undefined, id)
}

window.addEventListener('dx:open-graph', (e) => {
  const d = (e as CustomEvent<{ week: string; split?: 'right' | 'below' }>).detail
  openGraph(d.week, d.split)
})

// ---- side bar and panel ----------------------------------------------------------------------
parts.addSideView(
  explorerView({
    api,
    archive,
    selection,
    data,
    openWeek: (w) => openGraph(w),
    goToNode,
    openModel: (m) =>
      editors.open({
        id: `model-${m.dir}`,
        type: 'model',
        title: `Model h=${m.horizon} (${m.source})`,
        params: m as unknown as Record<string, unknown>,
      }),
    runCommand: (id) => void commands.run(id).catch(report),
    report,
  }),
)
parts.addSideView(searchView(data, goToNode, report))
parts.addPanelTab({ id: 'jobs', title: 'Jobs', render: (h) => renderJobsPanel(h, jobs, report) })
parts.addPanelTab({ id: 'log', title: 'Log', render: (h) => renderLogPanel(h, log) })
jobs.changed.on(() => {
  const n = jobs.running.length
  parts.setBadge('jobs', n ? String(n) : '')
  status.update('jobs', {
    text: n ? `${n} job${n > 1 ? 's' : ''} running` : 'no jobs',
    icon: n ? 'loading' : 'check',
    tone: n ? 'busy' : '',
  })
})
log.changed.on((entry) => {
  const errors = log.count('error')
  parts.setBadge('log', errors ? String(errors) : '')
  status.update('problems', { text: String(errors), tone: errors ? 'warning' : '' })
  // an error its view already shows (the console's error box) is logged without a toast
  if (entry.level === 'error' && !entry.shown) flash(entry.message)
})

// ---- status bar ------------------------------------------------------------------------------
status.set({
  id: 'archive',
  align: 'left',
  order: 0,
  text: '…',
  icon: 'database',
  onClick: () => void commands.run('archive.open').catch(report),
})
status.set({
  id: 'synthetic',
  align: 'left',
  order: 1,
  text: 'SYNTHETIC',
  tone: 'synthetic',
  hidden: true,
  title: 'Generated demo data, not real exposures',
})
status.set({
  id: 'week',
  align: 'left',
  order: 2,
  text: 'no week',
  icon: 'calendar',
  title: 'The week shown in the active graph (Alt+← / Alt+→)',
})
status.set({
  id: 'problems',
  align: 'left',
  order: 3,
  text: '0',
  icon: 'warning',
  title: 'Problems (Log panel)',
  onClick: () => parts.showPanelTab('log'),
})
status.set({
  id: 'model',
  align: 'right',
  order: 0,
  text: 'model …',
  icon: 'circuit-board',
  title: 'The forecast model the views use and the execution provider',
})
const modelStatus = new ModelStatus({ api, archive, status, report })
status.set({
  id: 'jobs',
  align: 'right',
  order: 1,
  text: 'no jobs',
  icon: 'check',
  onClick: () => parts.showPanelTab('jobs'),
})
status.set({
  id: 'mode',
  align: 'right',
  order: 2,
  text: api.mode === 'electron' ? 'desktop' : 'browser mode',
})
status.set({
  id: 'theme',
  align: 'right',
  order: 3,
  text: themeLabel(),
  icon: 'color-mode',
  title: 'Theme (Ctrl+K Ctrl+T)',
  onClick: () => void commands.run('theme.toggle'),
})
selection.changed.on((s) => status.update('week', { text: s.week ? `week ${s.week}` : 'no week' }))
theme.changed.on((c) => {
  editors.setTheme(c.kind)
  status.update('theme', { text: themeLabel() })
  persistence.schedule()
})

function themeLabel(): string {
  const p = theme.preference
  return p === 'system' ? `auto (${theme.kind})` : p
}

// ---- commands --------------------------------------------------------------------------------
/** A command on the active graph: enabled while one is active (and `when` it holds). */
const graphCommand = (
  c: Omit<Command, 'category' | 'enabled'>,
  when: (g: GraphView) => boolean = () => true,
): Command => ({
  ...c,
  category: 'Graph',
  enabled: () => {
    const g = activeGraph()
    return g !== null && when(g)
  },
})
commands.register(
  {
    id: 'workbench.palette',
    title: 'Show All Commands',
    category: 'View',
    keys: '$mod+Shift+P',
    global: true,
    run: () => palette.open('>'),
  },
  {
    id: 'workbench.goToNode',
    title: 'Go to Protocol or Token…',
    category: 'Go',
    keys: '$mod+P',
    global: true,
    run: () => palette.open('@'),
  },
  {
    id: 'workbench.goToWeek',
    title: 'Go to Week…',
    category: 'Go',
    keys: '$mod+G',
    run: () => palette.open('#'),
  },
  {
    id: 'view.explorer',
    title: 'Show Explorer',
    category: 'View',
    keys: '$mod+Shift+E',
    run: () => parts.showSideView('explorer'),
  },
  {
    id: 'view.search',
    title: 'Show Search',
    category: 'View',
    keys: '$mod+Shift+F',
    run: () => parts.showSideView('search'),
  },
  {
    id: 'view.toggleSidebar',
    title: 'Toggle Side Bar',
    category: 'View',
    keys: '$mod+B',
    run: () => parts.setSideVisible(!parts.sideVisible),
  },
  {
    id: 'view.togglePanel',
    title: 'Toggle Panel',
    category: 'View',
    keys: '$mod+J',
    run: () => parts.setPanelVisible(!parts.panelVisible),
  },
  { id: 'view.jobs', title: 'Show Jobs', category: 'View', run: () => parts.showPanelTab('jobs') },
  {
    id: 'view.log',
    title: 'Show Log and Problems',
    category: 'View',
    keys: '$mod+Shift+M',
    run: () => parts.showPanelTab('log'),
  },
  {
    id: 'view.help',
    title: 'Help: Keyboard Shortcuts',
    category: 'Help',
    keys: 'F1',
    run: () => editors.open({ id: 'help', type: 'help', title: 'Help' }),
  },
  {
    id: 'editor.close',
    title: 'Close Editor',
    category: 'View',
    keys: 'Alt+W',
    run: () => editors.closeActive(),
  },
  {
    id: 'theme.toggle',
    title: 'Theme: Cycle Auto / Light / Dark',
    category: 'Preferences',
    keys: '$mod+k $mod+t',
    run: () => theme.toggle(),
  },
  {
    id: 'theme.light',
    title: 'Theme: Light',
    category: 'Preferences',
    run: () => theme.set('light'),
  },
  { id: 'theme.dark', title: 'Theme: Dark', category: 'Preferences', run: () => theme.set('dark') },
  {
    id: 'theme.system',
    title: 'Theme: Follow the System',
    category: 'Preferences',
    run: () => theme.set('system'),
  },
  {
    id: 'archive.open',
    title: 'Open Archive…',
    category: 'Archive',
    keys: '$mod+O',
    run: () => openArchiveDialog(api, report, () => persistence.flush()),
  },
  {
    id: 'archive.import',
    title: 'Import File…',
    category: 'Archive',
    keys: '$mod+I',
    run: () =>
      importFromUi(api, jobs, log, (f) =>
        editors.open({
          id: `import-error-${Date.now()}`,
          type: 'import-error',
          title: `Import failed: ${f.file}`,
          params: f as unknown as Record<string, unknown>,
        }),
      ),
  },
  {
    id: 'archive.reload',
    title: 'Reload the Archive',
    category: 'Archive',
    run: () => reloadArchive(),
  },
  {
    id: 'layout.run',
    title: 'Re-layout the Graph (all weeks)',
    category: 'Graph',
    run: async () => {
      const done = await jobs.run('layout', 'Re-layout', () => api.call('layout.run', {}))
      if (done.state === 'done') await reloadArchive()
    },
  },
  {
    id: 'graph.open',
    title: 'Open the Last Week as a Graph',
    category: 'Graph',
    run: () => openGraph(archive.lastWeek),
  },
  graphCommand({
    id: 'graph.split',
    title: 'Open the Previous Week Beside This One',
    keys: '$mod+\\',
    run: () => openGraph(archive.step(activeGraph()!.currentWeek, -1), 'right'),
  }),
  graphCommand({
    id: 'week.next',
    title: 'Next Week',
    keys: 'Alt+ArrowRight',
    run: () => activeGraph()!.stepWeek(1),
  }),
  graphCommand({
    id: 'week.previous',
    title: 'Previous Week',
    keys: 'Alt+ArrowLeft',
    run: () => activeGraph()!.stepWeek(-1),
  }),
  graphCommand({
    id: 'week.first',
    title: 'First Week',
    keys: 'Alt+Home',
    run: () => activeGraph()!.showWeek(archive.weeks[0].week),
  }),
  graphCommand({
    id: 'week.last',
    title: 'Last Week',
    keys: 'Alt+End',
    run: () => activeGraph()!.showWeek(archive.lastWeek!),
  }),
  graphCommand({
    id: 'timeline.play',
    title: 'Play / Pause the Timeline',
    keys: 'Alt+P',
    run: () => activeGraph()!.togglePlay(),
  }),
  graphCommand({
    id: 'graph.search',
    title: 'Focus Graph Search',
    keys: '$mod+F',
    run: () => activeGraph()!.focusSearch(),
  }),
  graphCommand(
    {
      id: 'graph.undoView',
      title: 'Undo View Change (filters, colour, diff)',
      keys: '$mod+Z',
      inControls: true,
      run: () => activeGraph()!.undoView(),
    },
    (g) => g.canUndo,
  ),
  graphCommand(
    {
      id: 'graph.redoView',
      title: 'Redo View Change',
      keys: '$mod+Shift+Z',
      inControls: true,
      run: () => activeGraph()!.redoView(),
    },
    (g) => g.canRedo,
  ),
  graphCommand({
    id: 'graph.fit',
    title: 'Fit the Whole Graph',
    keys: 'Alt+0',
    run: () => activeGraph()!.fit(),
  }),
  graphCommand({
    id: 'graph.filters',
    title: 'Toggle Filters',
    keys: 'Alt+F',
    run: () => activeGraph()!.toggleSide('filters'),
  }),
  graphCommand({
    id: 'graph.ego',
    title: 'Ego Network of the Selected Node',
    keys: 'Alt+E',
    run: () => selection.current.node && activeGraph()!.egoNetwork(selection.current.node, 1),
  }),
  graphCommand({
    id: 'graph.exportPng',
    title: 'Export the View as PNG',
    run: () => activeGraph()!.exportImage('png'),
  }),
  graphCommand({
    id: 'graph.exportSvg',
    title: 'Export the View as SVG',
    run: () => activeGraph()!.exportImage('svg'),
  }),
  graphCommand({
    id: 'graph.exportSvgWhole',
    title: 'Export the Whole Graph as SVG',
    run: () => activeGraph()!.exportImage('svg', true),
  }),
)

window.addEventListener('dx:run-command', (e) => {
  void commands.run((e as CustomEvent<string>).detail).catch(report)
})

const palette = new CommandPalette(
  [
    {
      prefix: '>',
      title: 'Commands',
      items: (): PaletteItem[] =>
        commands
          .all()
          .filter((c) => !c.enabled || c.enabled())
          .map((c) => ({
            label: `${c.category}: ${c.title}`,
            hint: c.keys ? keyLabel(c.keys) : undefined,
            run: () => commands.run(c.id),
          })),
    },
    {
      prefix: '@',
      title: 'Protocols and tokens',
      items: () => nodeItems,
    },
    {
      prefix: '#',
      title: 'Weeks',
      items: () =>
        [...archive.weeks].reverse().map((w) => ({
          label: w.week,
          detail: `${count(w.nodes)} nodes · ${count(w.edges)} edges · ${usd(w.totalTvl)}`,
          run: () => openGraph(w.week),
        })),
    },
    { prefix: '', title: 'Commands', items: () => [] },
  ],
  report,
)
let nodeItems: PaletteItem[] = []
async function loadNodeItems(): Promise<void> {
  const u = await data.loadUniverse()
  nodeItems = u.ids.map((id, i) => ({
    label: u.names[i] ?? id,
    detail: `${id} · ${u.categories[u.category[i]]}`,
    run: () => goToNode(id),
  }))
}
bindKeys(commands, report)

// ---- the editor area's empty state -----------------------------------------------------------
function renderEmptyEditor(el: HTMLElement): void {
  const info = archive.info
  const box = document.createElement('div')
  box.className = 'welcome'
  const h = document.createElement('h1')
  h.textContent = 'DeXposure Workbench'
  const actions = document.createElement('ul')
  actions.className = 'welcome-actions'
  const action = (title: string, id: string): HTMLLIElement => {
    const li = document.createElement('li')
    const b = document.createElement('button')
    b.type = 'button'
    b.className = 'link'
    b.textContent = title
    b.addEventListener('click', () => void commands.run(id).catch(report))
    const k = commands.get(id)?.keys
    li.append(b)
    if (k) {
      const kbd = document.createElement('kbd')
      kbd.textContent = keyLabel(k)
      li.append(' ', kbd)
    }
    return li
  }
  if (!info) box.append(h, empty('No archive is open.', 'Open an archive to start.'))
  else if (!archive.weeks.length)
    box.append(
      h,
      empty(
        'This archive is empty.',
        'Import a DeXposure JSON file, DefiLlama responses or CSV node and edge lists.',
      ),
    )
  else
    box.append(
      h,
      empty(
        `${archive.fileName}: ${count(archive.weeks.length)} weeks, ${archive.weeks[0].week} … ${archive.lastWeek}`,
        'Open a week to see its exposure network.',
      ),
    )
  actions.append(
    ...(archive.weeks.length ? [action('Open the last week', 'graph.open')] : []),
    action('Import a file…', 'archive.import'),
    action('Open another archive…', 'archive.open'),
    action('Show all commands', 'workbench.palette'),
    action('Keyboard shortcuts', 'view.help'),
  )
  box.append(actions)
  el.replaceChildren(box)
}

// ---- archive, state, start -------------------------------------------------------------------
const persistence = new StatePersistence(
  api,
  (): SavedWorkbench => ({
    version: 1,
    theme: theme.preference,
    parts: parts.state(),
    layout: editors.toJSON(),
    week: selection.current.week,
    models: modelChoiceSnapshot(archive.info?.file),
  }),
  report,
)
editors.layoutChanged.on(() => persistence.schedule())
parts.changed.on(() => persistence.schedule())
selection.changed.on(() => persistence.schedule())
editors.activeChanged.on(() => activeGraph())
window.addEventListener('beforeunload', () => void persistence.flush())
// a model choice is saved at once: it is rare, and the next forecast (or session) depends on it
window.addEventListener(MODEL_CHOICE_EVENT, (e) => {
  if ((e as CustomEvent<ModelChoiceEventDetail>).detail.horizon !== null) void persistence.flush()
})

function showArchiveStatus(): void {
  const info = archive.info
  window.__workbench!.archive = info?.file ?? null
  status.update('archive', {
    text: info ? archive.fileName : 'no archive',
    icon: 'database',
    title: info
      ? `${info.file}\n${count(info.weeks)} weeks · schema v${info.schemaVersion}\nClick to open another archive`
      : 'Open an archive',
  })
  status.update('synthetic', { hidden: !info?.synthetic })
  document.title = info ? `${archive.fileName} — DeXposure Workbench` : 'DeXposure Workbench'
  // the empty editor area was drawn before the archive loaded: say what this archive needs now
  editors.refreshEmpty()
}

async function reloadArchive(): Promise<void> {
  data.reset()
  await archive.load()
  showArchiveStatus()
  void loadNodeItems().catch(report)
  void modelStatus.refresh().catch(report)
}

/** Loads the open archive and restores its saved workbench (or opens its last week). */
async function openWorkbench(): Promise<void> {
  persistence.pause()
  data.reset()
  await archive.load()
  showArchiveStatus()
  const saved = await persistence.load().catch((e) => {
    report(e)
    return null
  })
  // the archive's model choices before any restored view can start a forecast
  if (archive.info) restoreModelChoice(archive.info.file, saved ? saved.models : undefined)
  editors.dock.clear()
  if (saved) {
    theme.set(saved.theme)
    parts.restore(saved.parts)
    if (saved.layout && !editors.restore(saved.layout)) openGraph(saved.week ?? archive.lastWeek)
  } else {
    parts.showSideView('explorer')
    parts.showPanelTab('jobs', false)
    if (archive.lastWeek) openGraph(archive.lastWeek)
  }
  if (!editors.ids().length && archive.lastWeek && !saved) openGraph(archive.lastWeek)
  window.__workbench!.restored = true
  persistence.resume()
  void loadNodeItems().catch(report)
  void modelStatus.refresh().catch(report)
  void jobs.loadRunning().catch(report)
}

api.on('archive.changed', (e) => {
  if (e.reason === 'opened') {
    // the engine has switched already: saving now would file this layout under the new
    // archive, so drop what is pending (the dialog saved it before asking for the switch)
    persistence.pause()
    void openWorkbench().catch(report)
    log.info('archive', `opened ${e.info.file}`)
  } else {
    log.info('archive', `imported into ${e.info.file}`)
    void reloadArchive().catch(report)
  }
})

// The engine stopped (browser mode: the server was closed): say so until it answers again.
let engineLost: HTMLElement | null = null
api.onConnection?.((up) => {
  if (!up && !engineLost && window.__workbench!.ready) {
    engineLost = document.createElement('div')
    engineLost.className = 'banner'
    engineLost.setAttribute('role', 'alert')
    engineLost.textContent =
      'The engine stopped answering: nothing can be loaded or saved. Restart it (`npm start` or ' +
      '`dexposure serve`) and reload this page; this message goes away when it answers again.'
    document.body.append(engineLost)
    status.update('mode', { text: 'engine stopped', tone: 'warning' })
  } else if (up && engineLost) {
    engineLost.remove()
    engineLost = null
    status.update('mode', { text: 'browser mode', tone: '' })
  }
})

/** A short-lived toast for errors, so nothing fails silently while the panel is hidden. */
function flash(message: string, tone: 'error' | 'warning' = 'error'): void {
  const t = document.createElement('div')
  t.className = `toast ${tone}`
  t.setAttribute('role', 'alert')
  t.textContent = message
  const more = document.createElement('button')
  more.type = 'button'
  more.className = 'link'
  more.textContent = 'Details'
  more.addEventListener('click', () => parts.showPanelTab('log'))
  t.append(' ', more)
  document.body.append(t)
  setTimeout(() => t.remove(), 8000)
}

// ---- contributions of the view folders -------------------------------------------------------
const workbench: Workbench = {
  api,
  archive,
  selection,
  jobs,
  log,
  theme,
  data,
  commands,
  editors,
  parts,
  status,
  report,
  flash,
  openGraph,
  goToNode,
  activeGraph,
  graphById,
}
const contributions: Contribution[] = [
  dashboard,
  forecast,
  risk,
  backtest,
  queryConsole,
  reports,
  graphExports,
]
for (const contribute of contributions) contribute(workbench)

openWorkbench()
  .then(() => (window.__workbench!.ready = true))
  .catch((e) => {
    report(e)
    const box = document.createElement('div')
    box.className = 'fatal'
    box.append(
      empty(
        'The engine did not answer.',
        `${(e as Error).message}. If the workbench was started with \`npm start\` or \`dexposure serve\`, check that it is still running, then reload this page.`,
      ),
    )
    parts.editorHost.replaceChildren(box)
    window.__workbench!.ready = true
  })
