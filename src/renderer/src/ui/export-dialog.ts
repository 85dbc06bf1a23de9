// The export dialog every table shares (the query console's result, the views' risk, forecast,
// backtest and SIS tables): a format (CSV, JSON, Parquet) and a file name, saved as a download.
// Where the caller allows it, "a file on the engine's machine" writes to a path there instead (the
// Electron user's old way, kept). The engine writes either way, streaming every row.
import type { TableExportFormat, TableExportRequest } from '../../../shared/api-export'
import { type DownloadDeps, type ExportOutcome, exportTableJob } from '../services/downloads'
import { openDialog } from '../workbench/dialog'
import { count } from './format'

const FORMATS: TableExportFormat[] = ['csv', 'json', 'parquet']

export interface ExportChoice {
  format: TableExportFormat
  /** The file name (download) with the format's extension. */
  name: string
  /** A path on the engine's machine, when the user chose that; else a download. */
  path?: string
}

export interface ExportDialogOptions {
  title: string
  /** A sentence on what is written (shown first). */
  what: string
  /** The file name without extension. */
  stem: string
  /** Formats this build writes (others are listed, disabled). */
  formats?: TableExportFormat[]
  /** Offer "a file on the engine's machine", defaulting to this folder. */
  engineFolder?: string
  run(choice: ExportChoice): Promise<ExportOutcome>
}

/** Opens the dialog (modal; Close or Escape ends it). */
export function openExportDialog(o: ExportDialogOptions): void {
  const formats = o.formats ?? FORMATS
  openDialog(o.title, (body, close) => {
    body.classList.add('export-dialog')
    const p = document.createElement('p')
    p.className = 'muted'
    p.textContent = o.what
    const fmt = document.createElement('select')
    fmt.name = 'format'
    for (const f of FORMATS) {
      const opt = new Option(
        f.toUpperCase() + (formats.includes(f) ? '' : ' (not in this build)'),
        f,
      )
      opt.disabled = !formats.includes(f)
      fmt.append(opt)
    }
    const name = document.createElement('input')
    name.name = 'name'
    name.size = 40
    name.setAttribute('aria-label', 'File name')
    name.value = `${o.stem}.${fmt.value}`
    // a format change keeps the name, with the new extension (before the path follows it)
    fmt.addEventListener('change', () => {
      const stem = name.value.replace(/\.(csv|json|parquet)$/i, '')
      name.value = `${stem || o.stem}.${fmt.value}`
    })
    const fields = document.createElement('div')
    fields.className = 'export-fields'
    fields.append(label('Format ', fmt), label('File name ', name))

    // where it goes: a download (default), or a path on the engine's machine
    let path: HTMLInputElement | null = null
    const toPath = document.createElement('input')
    if (o.engineFolder !== undefined) {
      const where = document.createElement('fieldset')
      where.className = 'export-destination'
      const legend = document.createElement('legend')
      legend.textContent = 'Save'
      const toDownload = radio('download', true)
      toPath.type = 'radio'
      toPath.name = 'destination'
      toPath.value = 'path'
      path = document.createElement('input')
      path.name = 'path'
      path.size = 60
      path.setAttribute('aria-label', "Path on the engine's machine")
      path.disabled = true
      const folder = o.engineFolder
      const sep = folder.includes('\\') ? '\\' : '/'
      const setPath = (): void => {
        // the engine adds the format's extension to a name without it: show the path it writes
        const file = name.value.trim() || o.stem
        const ext = `.${fmt.value}`
        path!.value = `${folder}${folder ? sep : ''}${file.toLowerCase().endsWith(ext) ? file : file + ext}`
      }
      setPath()
      const sync = (): void => {
        path!.disabled = !toPath.checked
        name.disabled = toPath.checked
      }
      toDownload.addEventListener('change', sync)
      toPath.addEventListener('change', sync)
      fmt.addEventListener('change', setPath)
      name.addEventListener('input', setPath)
      where.append(
        legend,
        label('', toDownload, ' as a download (this browser’s downloads)'),
        label('', toPath, ' to a file on the engine’s machine: '),
        path,
      )
      fields.append(where)
    }

    const status = document.createElement('p')
    status.className = 'export-status'
    status.setAttribute('role', 'status')
    const go = document.createElement('button')
    go.type = 'button'
    go.textContent = 'Export'
    go.className = 'primary'
    go.addEventListener('click', () => {
      const format = fmt.value as TableExportFormat
      const choice: ExportChoice = {
        format,
        name: name.value.trim() || `${o.stem}.${format}`,
        ...(toPath.checked && path ? { path: path.value.trim() } : {}),
      }
      go.disabled = true
      status.textContent = 'Exporting…'
      delete status.dataset.state
      delete status.dataset.path
      void o
        .run(choice)
        .then((out) => {
          status.dataset.state = out.state
          if (out.state === 'done') {
            const r = out.result
            status.dataset.path = r.path
            status.dataset.rows = String(r.rows)
            status.textContent = r.downloadId
              ? `Saved ${count(r.rows)} rows (${count(r.bytes)} bytes) as the download ${r.name}.`
              : `Wrote ${count(r.rows)} rows (${count(r.bytes)} bytes) to ${r.path}`
          } else
            status.textContent =
              out.state === 'cancelled' ? 'Cancelled.' : `The export failed: ${out.message}`
        })
        .catch((e: unknown) => {
          status.dataset.state = 'failed'
          status.textContent = `The export failed: ${(e as Error).message}`
        })
        .finally(() => {
          go.disabled = false
        })
    })
    const cancel = document.createElement('button')
    cancel.type = 'button'
    cancel.textContent = 'Close'
    cancel.addEventListener('click', close)
    const row = document.createElement('div')
    row.className = 'dialog-actions'
    row.append(go, cancel)
    body.append(p, fields, status, row)
  })
}

/**
 * An "Export…" button for a view's table: the dialog, then `export.table` (the table's rows as the
 * engine holds them, every row, not only the page shown) saved as a download. `request` answers
 * the table and its options at the time of the click (null: nothing to export yet).
 */
export function tableExportButton(
  deps: DownloadDeps,
  what: string,
  request: () => Omit<TableExportRequest, 'format' | 'path' | 'name'> | null,
): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = 'small table-export'
  b.dataset.action = 'export'
  b.title = `Export ${what} (CSV, JSON, Parquet)`
  const icon = document.createElement('span')
  icon.className = 'codicon codicon-export'
  b.append(icon, ' Export…')
  b.addEventListener('click', () => {
    const req = request()
    if (!req) return
    const stem = [req.table, req.week, req.horizon && `h${req.horizon}`, req.run && `run${req.run}`]
      .concat(req.scenario ? [req.scenario.replace(/[^A-Za-z0-9._-]+/g, '_')] : [])
      .filter(Boolean)
      .join('-')
    openExportDialog({
      title: `Export ${what}`,
      what: `Every row of ${what} as the engine stores it (not only the rows on the screen, and without the table's text filter), saved as a download.`,
      stem,
      run: (c) =>
        exportTableJob(deps, `Export ${what} as ${c.format.toUpperCase()}`, () =>
          deps.api.call('export.table', { ...req, format: c.format, name: c.name }),
        ),
    })
  })
  return b
}

function label(text: string, ...children: (Node | string)[]): HTMLLabelElement {
  const l = document.createElement('label')
  l.append(text, ...children)
  return l
}

function radio(value: string, checked: boolean): HTMLInputElement {
  const r = document.createElement('input')
  r.type = 'radio'
  r.name = 'destination'
  r.value = value
  r.checked = checked
  return r
}
