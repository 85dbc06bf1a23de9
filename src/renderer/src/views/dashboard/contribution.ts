// The week dashboard's registration with the shell: the 'dashboard' editor type (a tab per week),
// the command "Risk: Open Week Dashboard" (the active graph's week, else the selected week, else
// the last one) and the Explorer's per-week dashboard button (a `dx:open-dashboard` event, so the
// Explorer needs no reference to this view).
import type { Contribution } from '../context'
import { DashboardView, openDashboard, type DashboardParams } from './dashboard-view'

export const contribute: Contribution = (wb) => {
  wb.editors.registerType(
    'dashboard',
    (params, ctx) => new DashboardView(wb, ctx, params as unknown as DashboardParams),
  )
  wb.commands.register({
    id: 'risk.dashboard',
    title: 'Open Week Dashboard',
    category: 'Risk',
    enabled: () => wb.archive.weeks.length > 0,
    run: () => {
      const active = wb.editors.activeId
      const graph = active ? wb.graphById(active) : null
      const week = graph?.currentWeek ?? wb.selection.current.week ?? wb.archive.lastWeek
      if (week) openDashboard(wb, week)
    },
  })
  window.addEventListener('dx:open-dashboard', (e) => {
    const week = (e as CustomEvent<{ week: string }>).detail.week
    if (wb.archive.has(week)) openDashboard(wb, week)
    else wb.flash(`The week of ${week} is not in this archive.`, 'warning')
  })
}
