// The Reports area (issue 13 §1): the Reports side view (activity bar "Reports": what a report
// holds and a button to open the builder on the shown week) and the 'report' editor (builder,
// live preview, Save HTML / Save PDF), with their palette commands.
import { REPORT_SECTION_TITLES, REPORT_SECTIONS } from '../../../../shared/api-names'
import type { SideView } from '../../workbench/parts'
import type { Contribution, Workbench } from '../context'
import { h } from '../risk/elements'
import { ReportEditor, type ReportParams } from './builder'

const REPORT_ID = 'report'

function openReport(wb: Workbench, params: ReportParams = {}): void {
  const week = params.week ?? wb.selection.current.week ?? wb.archive.lastWeek ?? undefined
  wb.editors.open({
    id: REPORT_ID,
    type: 'report',
    title: 'Report',
    params: { ...params, week } as Record<string, unknown>,
  })
}

function reportsSideView(wb: Workbench): SideView {
  return {
    id: 'reports',
    title: 'Reports',
    icon: 'file-pdf',
    order: 40,
    render: (host) => {
      const open = h('button', 'report-open', 'New Report…')
      open.type = 'button'
      open.addEventListener('click', () => openReport(wb))
      host.append(
        h(
          'div',
          'reports-side',
          h(
            'p',
            'muted',
            'The weekly risk report of a week: one self-contained HTML file or a PDF with page numbers, a table of contents and bookmarks, built from the same numbers as the CLI.',
          ),
          h(
            'ol',
            'reports-sections',
            ...REPORT_SECTIONS.map((s) => h('li', '', REPORT_SECTION_TITLES[s])),
          ),
          open,
          h(
            'p',
            'muted',
            'Forecasts and scenario runs the report needs are computed and stored first. The same report from the command line: dexposure report --week W --out FILE.',
          ),
        ),
      )
    },
  }
}

export const contribute: Contribution = (wb) => {
  wb.editors.registerType(
    'report',
    (params, ctx) => new ReportEditor(wb, ctx, params as ReportParams),
  )
  wb.parts.addSideView(reportsSideView(wb))
  wb.commands.register(
    {
      id: 'view.reports',
      title: 'Show Reports',
      category: 'View',
      run: () => wb.parts.showSideView('reports'),
    },
    {
      id: 'report.new',
      title: 'New Weekly Risk Report…',
      category: 'Report',
      enabled: () => wb.archive.weeks.length > 0,
      run: () => openReport(wb),
    },
  )
}
