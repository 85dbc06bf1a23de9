// Import a file from the UI: in browser mode the file is streamed to the server (`PUT /upload`)
// and imported by an engine job; in Electron a native dialog gives the path. Progress and Cancel
// are in the Jobs panel; a failed import opens an error view naming file, week, field and offset,
// as the CLI does, and the archive is unchanged (imports are all-or-nothing).
import type { WorkbenchApi } from '../../../../shared/api'
import type { JobsService } from '../../services/jobs'
import type { LogService } from '../../services/log'
import { factsList } from '../../ui/dom'
import type { Editor } from '../../workbench/editors'

export interface ImportFailure {
  file: string
  code: string
  message: string
  location: Record<string, string | number>
}

export async function importFromUi(
  api: WorkbenchApi,
  jobs: JobsService,
  log: LogService,
  showFailure: (f: ImportFailure) => void,
): Promise<void> {
  let source: { path: string } | { file: File } | null = null
  if (api.pickFile) {
    const path = await api.pickFile('import')
    if (path) source = { path }
  } else source = await pickBrowserFile()
  if (!source) return
  const name = 'path' in source ? source.path.split(/[\\/]/).pop()! : source.file.name
  let request: { path: string } | { uploadId: string }
  if ('file' in source) {
    const file = source.file
    if (!api.upload) throw new Error('this workbench cannot upload files')
    log.info('import', `uploading ${name} (${(file.size / 1e6).toFixed(1)} MB)…`)
    const { uploadId } = await api.upload(file)
    request = { uploadId }
  } else request = source
  const done = await jobs.run('import', `Import ${name}`, () => api.call('import.run', request))
  if (done.state === 'failed') {
    const err = (
      done as {
        error?: { code: string; message: string; location?: Record<string, string | number> }
      }
    ).error
    showFailure({
      file: name,
      code: err?.code ?? 'INTERNAL',
      message: err?.message ?? done.message ?? 'the import failed',
      location: err?.location ?? {},
    })
  }
}

function pickBrowserFile(): Promise<{ file: File } | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.json,.csv,.txt'
    input.dataset.role = 'import-file'
    input.hidden = true
    input.addEventListener('change', () => {
      const file = input.files?.[0]
      input.remove()
      resolve(file ? { file } : null)
    })
    input.addEventListener('cancel', () => {
      input.remove()
      resolve(null)
    })
    document.body.append(input)
    input.click()
  })
}

/** The error view of a failed import: what failed, where, and what to do. */
export function importErrorEditor(f: ImportFailure): Editor {
  const element = document.createElement('div')
  element.className = 'doc-view import-error'
  const h = document.createElement('h2')
  h.innerHTML = '<i class="codicon codicon-error"></i> Import failed — nothing was changed'
  const p = document.createElement('p')
  p.className = 'error-text'
  p.textContent = f.message
  const rows: [string, string][] = [
    ['file', f.file],
    ['error', f.code],
  ]
  for (const k of ['week', 'field', 'offset', 'line', 'node', 'index'])
    if (f.location[k] !== undefined)
      rows.push([k === 'offset' ? 'byte offset' : k, String(f.location[k])])
  const dl = factsList(rows)
  const next = document.createElement('p')
  next.className = 'muted'
  next.textContent =
    'An import is all-or-nothing: the archive is exactly as it was. Fix the file at the place named above ' +
    '(or import with --replace if a week exists with different data) and import it again. ' +
    'Formats and rules: docs/import-formats.md.'
  element.append(h, p, dl, next)
  return { element, dispose: () => {} }
}
