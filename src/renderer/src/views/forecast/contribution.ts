// The forecast area of the workbench (issue 11 §3): the Forecast side view (horizon, overlay on
// the graph, threshold, forecast vs realised), the forecast table editor, and the commands that
// forecast from the shown week (Alt+R: one week ahead) and draw the result on the graph.
import type { Contribution, Workbench } from '../context'
import { runForecastJob, showModelStatus, storedForecast } from './frame'
import { ForecastOverlay } from './overlay-controller'
import { forecastSideView, HORIZONS } from './side-view'
import { forecastTable, type ForecastTableParams } from './table-view'

export const contribute: Contribution = (wb: Workbench) => {
  const overlay = new ForecastOverlay(wb)

  /** The editor id of the active graph, or null. */
  const activeGraphId = (): string | null => {
    const g = wb.activeGraph()
    if (!g) return null
    return wb.editors.ids().find((id) => wb.graphById(id) === g) ?? null
  }

  const openTable = async (week: string, horizon: number): Promise<void> => {
    if (
      // a stored run of another model than the one in use is computed again with it
      !(await storedForecast(wb, week, horizon)) &&
      !(await runForecastJob(wb, week, horizon))
    )
      return
    const params: ForecastTableParams = { week, horizon }
    wb.editors.open({
      id: `forecast-table-${week}-h${horizon}`,
      type: 'forecast-table',
      title: `Forecast ${week} h=${horizon}`,
      params: params as unknown as Record<string, unknown>,
    })
  }

  /** t + h realised beside the graph of t that carries the overlay. */
  const openRealised = (): void => {
    const id = overlay.graphId
    const target = overlay.loaded?.run.target_week
    if (!id || !target) return wb.flash('Show the forecast on a graph first.')
    if (!wb.archive.has(target)) return wb.flash(`${target} is not archived.`)
    // the split opens beside the active tab: make it the graph of t
    wb.editors.dock.getPanel(id)?.api.setActive()
    wb.openGraph(target, 'right')
  }

  /** Runs the forecast from the shown week as a job, logs it and draws it on that graph. */
  const forecastFromShownWeek = async (horizon: number): Promise<void> => {
    const id = activeGraphId()
    const week = id ? wb.graphById(id)?.currentWeek : null
    if (!id || !week) return
    const run = await runForecastJob(wb, week, horizon)
    if (!run) return
    wb.parts.showPanelTab('log')
    showModelStatus(wb, run)
    if (wb.graphById(id)?.currentWeek === week) await overlay.show(id, horizon, false)
  }

  wb.parts.addSideView(
    forecastSideView({
      wb,
      overlay,
      openTable: (week, horizon) => void openTable(week, horizon).catch(wb.report),
      openRealised,
      activeGraphId,
    }),
  )
  wb.editors.registerType('forecast-table', (params, ctx) =>
    forecastTable(wb, params as unknown as ForecastTableParams, ctx),
  )
  wb.status.update('model', { onClick: () => wb.parts.showSideView('forecast') })

  const hasWeek = (): boolean => wb.activeGraph()?.currentWeek != null
  wb.commands.register(
    ...HORIZONS.map((h) => ({
      id: `forecast.h${h}`,
      title: `Forecast ${h} Week${h > 1 ? 's' : ''} Ahead from the Shown Week`,
      category: 'Forecast',
      keys: h === 1 ? 'Alt+R' : undefined,
      enabled: hasWeek,
      run: () => forecastFromShownWeek(h),
    })),
    {
      id: 'view.forecast',
      title: 'Show Forecast',
      category: 'View',
      run: () => wb.parts.showSideView('forecast'),
    },
    {
      id: 'forecast.table',
      title: 'Open the Forecast Table of the Shown Week',
      category: 'Forecast',
      enabled: hasWeek,
      run: () => openTable(wb.activeGraph()!.currentWeek!, overlay.status.horizon ?? 4),
    },
    {
      id: 'forecast.clear',
      title: 'Clear the Forecast Overlay',
      category: 'Forecast',
      enabled: () => overlay.shown,
      run: () => overlay.clear(),
    },
    {
      id: 'forecast.vsRealised',
      title: 'Forecast vs Realised (Split)',
      category: 'Forecast',
      enabled: () => overlay.shown,
      run: openRealised,
    },
  )
}
