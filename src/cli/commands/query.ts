// `dexposure query`: SQL over the archive with the forecast and risk functions
// (docs/query-functions.md), through the same engine and safety as the workbench's console: the
// statement filter, the runs prepared first, a read-only query process stopped at --timeout.
// A table (capped at --max-rows) by default; csv, json and parquet stream every row.
import { existsSync, readFileSync, statSync } from 'node:fs'
import type { Command } from 'commander'
import { QueryEngine, DEFAULT_MAX_ROWS, type QueryResult } from '../../engine/query/engine'
import type { ExportFormat } from '../../engine/query/export'
import type { Cell } from '../../engine/query/protocol'
import { DexposureError, isDexposureError } from '../../shared/errors'
import type { CliContext, Progress } from '../context'
import { SYNTHETIC_NOTE } from '../format'
import { collectWhole, MODEL_OPTION_HELP, modelChoices } from '../model-options'

interface QueryOptions {
  param: string[]
  model: string[]
  format: string
  out?: string
  file?: string
  timeout: string
  maxRows?: string
}

const FORMATS = ['table', 'csv', 'json', 'parquet']

export function register(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description('run read-only SQL over the archive, with forecast and risk table functions')
    .argument('[sql]', 'the SQL; `-` reads it from stdin; a path to a .sql file reads that file')
    .option(
      '--param <name=value>',
      'a value for :name (repeatable; bound as text, which SQLite compares as a number where a number is expected)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--model <[H=]name|dir>', MODEL_OPTION_HELP, collectWhole, [] as string[])
    .option(
      '--format <format>',
      'table, csv, json or parquet (csv/json/parquet: every row)',
      'table',
    )
    .option('--out <file>', 'write the csv/json/parquet export to this file (default: stdout)')
    .option('--file <file.sql>', 'read the SQL from this file')
    .option(
      '--timeout <seconds>',
      'time limit of the query itself (runs it needs are computed first)',
      '10',
    )
    .option('--max-rows <n>', `rows shown (table: default ${DEFAULT_MAX_ROWS}; exports: every row)`)
    .addHelpText(
      'after',
      `
Examples:
  dexposure query "SELECT week, n_nodes, n_edges FROM weeks ORDER BY week DESC LIMIT 5"
  dexposure query "SELECT * FROM forecast_edges(:week, 4) LIMIT 20" --param week=2025-08-18
  dexposure query "SELECT * FROM forecast_edges('2025-08-18', 1)" --model 1=dexposure-workbench-gnn-h1
  dexposure query top.sql --format csv --out top.csv
  echo "SELECT * FROM sis('2022-05-09') LIMIT 10" | dexposure query -

forecast_edges, forecast_nodes and link_prob without a run id read the chosen model's run
(--model), else the latest run of any model. Functions, views and examples:
docs/query-functions.md. Exit codes: 2 usage, 3 bad SQL (with its
line and column), 5 unknown week or run, 8 time limit, 130 cancelled.`,
    )
    .action(async (sqlArg: string | undefined, o: QueryOptions, cmd: Command) => {
      if (!FORMATS.includes(o.format))
        throw new DexposureError('USAGE', `--format must be one of ${FORMATS.join(', ')}`, {
          field: '--format',
        })
      const sql = readSql(sqlArg, o.file)
      const params = parseParams(o.param)
      const seconds = Number(o.timeout)
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
        throw new DexposureError('USAGE', '--timeout must be a number of seconds in (0, 600]', {
          field: '--timeout',
        })
      let maxRows: number | undefined
      if (o.maxRows !== undefined) {
        maxRows = Number(o.maxRows)
        if (!Number.isInteger(maxRows) || maxRows < 0)
          throw new DexposureError('USAGE', '--max-rows must be a whole number ≥ 0', {
            field: '--max-rows',
          })
      }
      if (o.format === 'table' && o.out)
        throw new DexposureError(
          'USAGE',
          '--out writes an export: give --format csv, json or parquet',
          {
            field: '--out',
          },
        )
      if (o.format === 'parquet' && !o.out)
        throw new DexposureError('USAGE', 'parquet is binary: give --out FILE', { field: '--out' })

      const models = modelChoices(ctx.archivePath(cmd), o.model)
      const archive = ctx.openArchive(cmd, { create: false })
      const engine = new QueryEngine(archive)
      // a bar only when runs are computed first (most queries need none)
      const bars: { bar: Progress | null } = { bar: null }
      const progress = (done: number, total: number | null, message: string) => {
        bars.bar ??= ctx.progress(cmd, 'preparing', 1)
        bars.bar.report(done, Math.max(total ?? 1, done, 1), message)
      }
      try {
        const timeoutMs = Math.round(seconds * 1000)
        if (o.format === 'table') {
          const r = await engine.run(
            {
              sql,
              params,
              models,
              timeoutMs,
              maxRows: Math.min(maxRows ?? DEFAULT_MAX_ROWS, 100_000),
            },
            { signal: ctx.signal, progress },
          )
          bars.bar?.stop()
          for (const run of r.runs)
            if (run.computed) ctx.log(cmd, `computed ${describeRun(run)} (run ${run.runId})`)
          ctx.output(cmd, r, () => textOf(r))
          for (const [i, s] of r.statements.entries())
            ctx.log(
              cmd,
              `${r.statements.length > 1 ? `statement ${i + 1}: ` : ''}${s.rowCount} row${s.rowCount === 1 ? '' : 's'}` +
                (s.truncated
                  ? ` shown (${s.truncatedBy === 'rows' ? `--max-rows ${maxRows ?? DEFAULT_MAX_ROWS}` : '64 MB of values'}; ${s.total !== null ? `${s.total} in all` : 'more not counted'})`
                  : '') +
                ` in ${s.elapsedMs.toFixed(1)} ms`,
            )
          if (r.synthetic) ctx.log(cmd, SYNTHETIC_NOTE)
        } else {
          const r = await engine.export(
            {
              sql,
              params,
              models,
              format: o.format as ExportFormat,
              target: o.out ? { path: o.out } : { fd: 1 },
              timeoutMs,
              maxRows: maxRows ?? null,
            },
            { signal: ctx.signal, progress },
          )
          bars.bar?.stop()
          if (o.out) {
            ctx.log(cmd, `wrote ${r.rows} rows (${r.bytes} bytes) to ${r.path}`)
            if (ctx.globals(cmd).json) ctx.output(cmd, r, '')
          }
        }
      } catch (e) {
        bars.bar?.stop()
        if (isDexposureError(e) && e.location.field === 'sql' && e.location.offset !== undefined)
          process.stderr.write(pointAt(sql, e.location.offset, e.location.length ?? 1))
        throw e
      } finally {
        engine.close()
        archive.close()
      }
    })
}

function readSql(arg: string | undefined, file: string | undefined): string {
  if (file !== undefined) {
    if (arg !== undefined)
      throw new DexposureError('USAGE', 'give the SQL either as an argument or with --file', {
        field: '--file',
      })
    return readFileText(file)
  }
  if (arg === undefined)
    throw new DexposureError('USAGE', 'no SQL given (an argument, `-` for stdin, or --file)', {
      field: 'sql',
    })
  if (arg === '-') return readFileSync(0, 'utf8').replace(/^\ufeff/, '')
  // a single word that names a file is that file's SQL
  if (!/\s/.test(arg) && existsSync(arg) && statSync(arg).isFile()) return readFileText(arg)
  return arg
}

function readFileText(file: string): string {
  try {
    // an editor's byte-order mark is not SQL
    return readFileSync(file, 'utf8').replace(/^\ufeff/, '')
  } catch (e) {
    throw new DexposureError('NOT_FOUND', `cannot read the SQL file: ${(e as Error).message}`, {
      file,
    })
  }
}

function parseParams(list: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of list) {
    const eq = p.indexOf('=')
    const name = eq > 0 ? p.slice(0, eq).replace(/^[:@$]/, '') : ''
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name))
      throw new DexposureError('USAGE', `--param takes name=value, not "${p}"`, {
        field: '--param',
      })
    out[name] = p.slice(eq + 1)
  }
  return out
}

function describeRun(r: QueryResult['runs'][number]): string {
  if (r.kind === 'forecast')
    return `forecast ${r.week} h=${r.horizon}${r.model ? ` (${r.model})` : ''}`
  if (r.kind === 'stats') return `statistics ${r.week}`
  return `contagion ${r.week} ${r.scenario}${r.method ? ` ${r.method}` : ''}`
}

function cellText(c: Cell): string {
  if (c === null) return 'NULL'
  if (typeof c === 'number') return String(c)
  if (typeof c === 'string') {
    const one = c.replace(/[\r\n\t]+/g, ' ')
    return one.length > 80 ? `${one.slice(0, 79)}…` : one
  }
  return `<blob ${c.bytes} bytes>`
}

/** Each statement's rows as an aligned table (numbers right-aligned, NULL shown as NULL). */
function textOf(r: QueryResult): string {
  return r.statements
    .map((s) => {
      if (s.columns.length === 0) return '(no result columns)'
      const cols = s.columns.map((c, i) => ({
        head: c.name,
        cells: s.data[i].map(cellText),
        right: c.kind === 'number',
      }))
      const widths = cols.map((c) => Math.max(c.head.length, ...c.cells.map((x) => x.length)))
      const line = (cells: string[]) =>
        cells
          .map((x, i) => (cols[i].right ? x.padStart(widths[i]) : x.padEnd(widths[i])))
          .join('  ')
          .trimEnd()
      const lines = [line(cols.map((c) => c.head)), line(widths.map((w) => '-'.repeat(w)))]
      for (let row = 0; row < s.rowCount; row++) lines.push(line(cols.map((c) => c.cells[row])))
      return lines.join('\n')
    })
    .join('\n\n')
}

/** The SQL line with the error and a caret under it. */
function pointAt(sql: string, offset: number, length: number): string {
  const start = sql.lastIndexOf('\n', offset - 1) + 1
  const endNl = sql.indexOf('\n', offset)
  const line = sql.slice(start, endNl < 0 ? sql.length : endNl)
  const col = offset - start
  if (line.length > 200) return ''
  return `  ${line}\n  ${' '.repeat(col)}${'^'.repeat(Math.max(1, Math.min(length, line.length - col)))}\n`
}
