// The risk area's contribution to the shell (issue 11 §2): the Risk side view (scenario runner and
// stress run), the scenario editor (results and playback on the graph) and the stress editor, and
// their commands.
import type { Workbench } from '../context'
import { riskSideView } from './runner'
import { scenarioEditor, type ScenarioParams } from './scenario-editor'
import { stressEditor, type StressParams } from './stress-editor'

export function contribute(wb: Workbench): void {
  // results open beside the graph, so the graph stays in sight while it plays the rounds; later
  // results join the group of the earlier ones as tabs
  const besideGraph = (): 'right' | undefined => {
    const earlier = wb.editors
      .ids()
      .find((x) => x.startsWith('scenario-') || x.startsWith('stress-'))
    if (earlier) {
      wb.editors.dock.getPanel(earlier)?.api.setActive()
      return undefined
    }
    const g = wb.activeGraph()
    const id = g && wb.editors.ids().find((x) => wb.graphById(x) === g)
    if (!id) return undefined
    wb.editors.dock.getPanel(id)?.api.setActive()
    return 'right'
  }
  const openScenario = (runId: number, scenario: string, week: string): void =>
    wb.editors.open({
      id: `scenario-${runId}-${scenario}`,
      type: 'scenario',
      title: `Scenario ${scenario} · ${week}`,
      params: { runId, scenario } satisfies ScenarioParams,
      split: besideGraph(),
    })
  const openStress = (runId: number, week: string, horizon: number): void =>
    wb.editors.open({
      id: `stress-${runId}`,
      type: 'stress',
      title: `Stress ${week} h=${horizon}`,
      params: { runId } satisfies StressParams,
      split: besideGraph(),
    })

  wb.editors.registerType('scenario', (params, ctx) =>
    scenarioEditor(wb, checkParams<ScenarioParams>(params, ['runId', 'scenario']), ctx),
  )
  wb.editors.registerType('stress', (params, ctx) =>
    stressEditor(wb, checkParams<StressParams>(params, ['runId']), ctx),
  )
  wb.parts.addSideView(riskSideView(wb, { openScenario, openStress }))

  wb.commands.register(
    {
      id: 'view.risk',
      title: 'Show Risk (Scenarios and Stress)',
      category: 'View',
      run: () => wb.parts.showSideView('risk'),
    },
    {
      id: 'risk.latestScenario',
      title: 'Open the Latest Scenario Run of the Shown Week',
      category: 'Risk',
      enabled: () => !!wb.selection.current.week,
      run: async () => {
        const week = wb.selection.current.week
        if (!week) return
        const r = await wb.api.call('risk.result', { week, top: 0 })
        if (!r || !r.results.length) {
          wb.flash(
            `No scenario run is stored for week ${week}: run one from the Risk view.`,
            'warning',
          )
          wb.parts.showSideView('risk')
          return
        }
        openScenario(r.runId, r.results[0].scenario, week)
      },
    },
  )
}

/** Editor params come back from a saved layout: check what the editor needs before it opens. */
function checkParams<T>(params: Record<string, unknown>, keys: string[]): T {
  for (const k of keys)
    if (params[k] === undefined || params[k] === null)
      throw new Error(`the saved ${keys.join('/')} of this view is missing "${k}"`)
  return params as T
}
