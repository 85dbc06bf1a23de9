// `dexposure export`: a week's graph, a range of weeks (dynamic GEXF), a forecast graph Ĝ or a
// result table, written to files other tools read (docs/cli.md, "export"). The graph writers are
// the engine's (src/engine/export/), the same the workbench's `export.graph` runs; tables go
// through the query console's exporter (one code path with `dexposure query --format`).
import type { Command } from 'commander'
import {
  EXPORT_TABLES,
  GRAPH_EXPORT_FORMATS,
  type GraphExportTarget,
} from '../../shared/api-export'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE } from '../format'
import { collectWhole, modelChoices } from '../model-options'

interface ExportOptions {
  week?: string
  to?: string
  forecast?: string
  threshold?: string
  table?: string
  horizon?: string
  scenario?: string
  run?: string
  model: string[]
  format?: string
  out?: string
}

const TABLE_FORMATS = ['csv', 'json', 'parquet']

const usage = (message: string, field: string): DexposureError =>
  new DexposureError('USAGE', message, { field })

function week(value: string | undefined, field: string): string {
  if (value === undefined) throw usage(`${field} is required (a Monday, YYYY-MM-DD)`, field)
  const p = weekProblem(value)
  if (p) throw usage(`${field}: ${p}`, field)
  return value
}

function runOf(value: string): number {
  const run = Number(value)
  if (!Number.isInteger(run) || run < 1)
    throw usage('--run must be a stored run id (a whole number from 1)', '--run')
  return run
}

function horizonOf(value: string, field: string): number {
  const h = Number(value)
  if (!Number.isInteger(h) || h < 1 || h > 52)
    throw usage(`${field} must be a whole number of weeks from 1 to 52`, field)
  return h
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      'write a week, a range of weeks, a forecast graph or a result table for other tools',
    )
    .option('--week <week>', 'the week (the first week with --to; the anchor week with --forecast)')
    .option('--to <week>', 'the last week of a range (dynamic GEXF with spells; a week column)')
    .option('--forecast <h>', "the stored forecast run's graph Ĝ(week + h) instead of the week")
    .option(
      '--threshold <p>',
      'with --forecast: every stored pair with probability ≥ p (≥ 0.01) instead of the run’s graph',
    )
    .option('--table <name>', `a result table instead of a graph: ${EXPORT_TABLES.join(', ')}`)
    .option(
      '--horizon <h>',
      'with --table forecast-edges, forecast-nodes, forecast-new/-changes/-vanishing: the horizon',
    )
    .option(
      '--scenario <name>',
      'with --table contagion, contagion-totals, contagion-losses: the scenario (docs/risk.md)',
    )
    .option(
      '--run <id>',
      'with --table contagion-totals, contagion-losses, backtest, stress, stress-nodes: the stored run ' +
        '(without it the error lists the stored runs; --week, --horizon and --scenario narrow that list)',
    )
    .option(
      '--model <[H=]name|dir>',
      "with --forecast H or a forecast-* table: the model whose latest run is written (a model folder or a model's manifest name; default: the latest run of any model)",
      collectWhole,
      [] as string[],
    )
    .option(
      '--format <format>',
      `graphs: ${GRAPH_EXPORT_FORMATS.join(', ')}; tables: ${TABLE_FORMATS.join(', ')}`,
    )
    .option(
      '--out <file>',
      'the file; csv and parquet graphs write <stem>_nodes.<ext> and <stem>_edges.<ext>',
    )
    .addHelpText(
      'after',
      `
Examples:
  dexposure export --week 2025-08-18 --format gexf --out week.gexf
  dexposure export --week 2025-01-06 --to 2025-08-18 --format gexf --out year.gexf
  dexposure export --week 2025-08-18 --forecast 4 --threshold 0.5 --format graphml --out g.graphml
  dexposure export --week 2025-08-18 --forecast 1 --model models/h1 --format gexf --out g1.gexf
  dexposure export --week 2025-01-06 --to 2025-08-18 --format parquet --out net.parquet
  dexposure export --week 2025-08-18 --format dexposure-json --out week.json
  dexposure export --table sis --week 2025-08-18 --format parquet --out sis.parquet
  dexposure export --table contagion-losses --run 12 --scenario top5-protocols --out losses.csv
  dexposure export --table stress --run 3 --format json

Exit codes: 2 bad options (naming the option; a missing --run lists the stored runs), 4 only
another model's forecast run is stored (--model), 5 unknown week, no forecast run or a --run that
is not stored, 130 cancelled.
Files appear only when complete (docs/cli.md, "export").`,
    )
    .action(async (o: ExportOptions, cmd: Command) => {
      if (o.table !== undefined) return exportTableCommand(o, cmd, ctx)
      const format = o.format
      if (format === undefined || !(GRAPH_EXPORT_FORMATS as readonly string[]).includes(format))
        throw usage(
          `--format must be one of ${GRAPH_EXPORT_FORMATS.join(', ')}${format === undefined ? '' : ` (not "${format}")`}`,
          '--format',
        )
      if (o.out === undefined) throw usage('--out FILE is required', '--out')
      const from = week(o.week, '--week')
      let target: GraphExportTarget
      if (o.forecast !== undefined) {
        if (o.to !== undefined) throw usage('--to and --forecast do not go together', '--to')
        const horizon = horizonOf(o.forecast, '--forecast')
        let threshold: number | undefined
        if (o.threshold !== undefined) {
          threshold = Number(o.threshold)
          if (!Number.isFinite(threshold) || threshold < 0.01 || threshold > 1)
            throw usage(
              '--threshold must be a probability from 0.01 (the lowest stored) to 1',
              '--threshold',
            )
        }
        target = { kind: 'forecast', week: from, horizon, threshold }
      } else {
        if (o.threshold !== undefined) throw usage('--threshold needs --forecast H', '--threshold')
        if (o.model.length)
          throw usage('--model needs --forecast H or a forecast-* table', '--model')
        target =
          o.to !== undefined
            ? { kind: 'range', from, to: week(o.to, '--to') }
            : { kind: 'week', week: from }
      }
      for (const [opt, v] of [
        ['--horizon', o.horizon],
        ['--scenario', o.scenario],
        ['--run', o.run],
      ] as const)
        if (v !== undefined) throw usage(`${opt} goes with --table`, opt)

      const { exportGraph } = await import('../../engine/export/graph-export')
      if (target.kind === 'forecast' && o.model.length) {
        // one model, of the horizon exported (H= is optional and must be that horizon)
        const models = modelChoices(ctx.archivePath(cmd), o.model) ?? {}
        const chosen = models[String(target.horizon)]
        if (!chosen || Object.keys(models).length > 1)
          throw usage(
            `--model: give one model of h=${target.horizon}, the horizon of --forecast`,
            '--model',
          )
        target.model = chosen
      }
      const archive = ctx.openArchive(cmd, { readonly: true, create: false })
      const bar = ctx.progress(cmd, 'exporting', 1, 'weeks')
      try {
        const r = await exportGraph(
          archive,
          { target, format: format as (typeof GRAPH_EXPORT_FORMATS)[number], path: o.out },
          { signal: ctx.signal, progress: (done, total, w) => bar.report(done, total, w) },
        )
        bar.stop()
        for (const f of r.files) ctx.log(cmd, `wrote ${f.path} (${f.bytes} bytes)`)
        for (const w of r.warnings) ctx.log(cmd, `warning: ${w}`)
        if (r.synthetic) ctx.log(cmd, SYNTHETIC_NOTE)
        ctx.output(
          cmd,
          r,
          `${r.format} export of ${describe(r.kind, r.weeks)}: ${r.nodes} nodes, ${r.edges} edges ` +
            `in ${(r.elapsedMs / 1000).toFixed(2)} s`,
        )
      } finally {
        bar.stop()
        archive.close()
      }
    })
}

function describe(kind: string, weeks: string[]): string {
  if (kind === 'range') return `${weeks.length} weeks ${weeks[0]} … ${weeks.at(-1)}`
  if (kind === 'forecast') return `the forecast graph for ${weeks[0]}`
  return `week ${weeks[0]}`
}

async function exportTableCommand(o: ExportOptions, cmd: Command, ctx: CliContext): Promise<void> {
  const format = o.format ?? 'csv'
  if (!TABLE_FORMATS.includes(format))
    throw usage(`tables export as ${TABLE_FORMATS.join(', ')} (not "${format}")`, '--format')
  if (format === 'parquet' && o.out === undefined)
    throw usage('parquet is binary: give --out FILE', '--out')
  for (const [opt, v] of [
    ['--to', o.to],
    ['--forecast', o.forecast],
    ['--threshold', o.threshold],
  ] as const)
    if (v !== undefined) throw usage(`${opt} does not go with --table`, opt)
  const { tableStatement, checkedTableStatement, RUN_KIND } =
    await import('../../engine/export/tables')
  const table = o.table!
  const takesRun = Object.hasOwn(RUN_KIND, table)
  const req = {
    table,
    week: o.week === undefined ? undefined : week(o.week, '--week'),
    horizon: o.horizon === undefined ? undefined : horizonOf(o.horizon, '--horizon'),
    scenario: o.scenario,
    run: o.run === undefined ? undefined : runOf(o.run),
    models: modelChoices(ctx.archivePath(cmd), o.model),
  }
  // names a missing option before the archive is opened (a missing --run is named below, with
  // the stored runs to pick from)
  if (!(takesRun && req.run === undefined)) tableStatement(req)
  const [{ QueryEngine }, { exportTable }] = await Promise.all([
    import('../../engine/query/engine'),
    import('../../engine/export/tables'),
  ])
  const archive = ctx.openArchive(cmd, { create: false })
  let engine: InstanceType<typeof QueryEngine> | null = null
  let bar: ReturnType<CliContext['progress']> | null = null
  try {
    // the run: stored, of the kind the table reads (and of --week/--horizon/--scenario when given),
    // and a model only for a table that reads a forecast: the same check as the workbench's
    // export.table
    checkedTableStatement(archive, req, '--model')
    engine = new QueryEngine(archive)
    const r = await exportTable(
      engine,
      {
        ...req,
        format: format as 'csv' | 'json' | 'parquet',
        target: o.out ? { path: o.out } : { fd: 1 },
      },
      {
        signal: ctx.signal,
        progress: (done, total, message) => {
          bar ??= ctx.progress(cmd, 'preparing', 1)
          bar.report(done, Math.max(total ?? 1, done, 1), message)
        },
      },
    )
    ;(bar as ReturnType<CliContext['progress']> | null)?.stop()
    if (o.out) {
      ctx.log(cmd, `wrote ${r.rows} rows (${r.bytes} bytes) of ${req.table} to ${r.path}`)
      ctx.output(cmd, { table: req.table, ...r }, `${req.table}: ${r.rows} rows → ${r.path}`)
    }
  } finally {
    ;(bar as ReturnType<CliContext['progress']> | null)?.stop()
    engine?.close()
    archive.close()
  }
}
