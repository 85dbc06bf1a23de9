// Streaming CSV rows with line numbers (csv-parse), strict UTF-8 and errors that name the file and
// line. Shared by meta_df.csv and the CSV node/edge lists.
import { createReadStream, lstatSync } from 'node:fs'
import { CsvError, parse } from 'csv-parse'
import { DexposureError } from '../../shared/errors'
import { badInput, firstInvalidUtf8 } from './json-text'

export interface CsvRow {
  values: string[]
  /** 1-based line where the record ends (its line, for one-line records). */
  line: number
}

/** Rows of a CSV file, header included (line 1). Cells are trimmed; blank lines are skipped. */
export async function* readCsv(file: string, signal?: AbortSignal): AsyncGenerator<CsvRow> {
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, trim: true })
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  let offset = 0
  const feeding = (async () => {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer
      let text: string
      try {
        text = decoder.decode(buf, { stream: true })
      } catch {
        throw badInput('the file is not valid UTF-8', {
          file,
          offset: offset + firstInvalidUtf8(buf),
        })
      }
      offset += buf.length
      if (parser.destroyed) return // the reader stopped early
      if (!parser.write(text))
        await new Promise((r) => {
          parser.once('drain', r)
          parser.once('close', r)
        })
      if (signal?.aborted)
        throw new DexposureError('CANCELLED', 'import cancelled; the archive is unchanged', {
          file,
        })
    }
    if (parser.destroyed) return
    try {
      parser.write(decoder.decode())
    } catch {
      throw badInput('the file is not valid UTF-8 (it ends inside a character)', { file, offset })
    }
    parser.end()
  })().catch((e: unknown) => {
    const err =
      e instanceof DexposureError
        ? e
        : badInput(`cannot read the file: ${(e as Error).message}`, { file })
    parser.destroy(err)
  })
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)
      yield { values: rec.record, line: rec.info.lines }
  } catch (e) {
    if (e instanceof DexposureError) throw e
    if (e instanceof CsvError) {
      const line = typeof e.lines === 'number' ? e.lines : undefined
      throw badInput(`invalid CSV: ${e.message.replace(/ on line \d+$/, '')}`, { file, line })
    }
    throw e
  } finally {
    if (!parser.destroyed) parser.destroy()
    await feeding
  }
}

/**
 * What the first line held, for "missing column" errors. Not shown for a symbolic link: a link to
 * a file that is not CSV (a key, a password file) must not have its first line printed. Long or
 * many cells are cut: the first line of a non-CSV file can be anything.
 */
function headerSeen(header: CsvRow, file: string): string {
  let link: boolean
  try {
    link = lstatSync(file).isSymbolicLink()
  } catch {
    link = true // cannot tell: say nothing about the content
  }
  if (link) return 'the first line is not shown: the input is a symbolic link'
  const cells = header.values.slice(0, 12).map((v) => (v.length > 40 ? `${v.slice(0, 40)}…` : v))
  if (header.values.length > 12) cells.push(`… (${header.values.length} columns)`)
  return `found: ${cells.join(', ') || 'nothing'}`
}

/** Finds named columns (case-insensitive, first alias that exists) in a header row. */
export function columnIndex(
  header: CsvRow,
  file: string,
  spec: Record<string, { aliases: string[]; required: boolean }>,
): Record<string, number> {
  const cols = header.values.map((v) => v.toLowerCase())
  const out: Record<string, number> = {}
  for (const [name, { aliases, required }] of Object.entries(spec)) {
    const i = aliases.map((a) => cols.indexOf(a)).find((k) => k >= 0) ?? -1
    if (i < 0 && required)
      throw badInput(
        `missing column "${aliases.join('" or "')}" in the header (${headerSeen(header, file)})`,
        { file, line: header.line, field: aliases[0] },
      )
    out[name] = i
  }
  return out
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** A finite decimal number, or a BAD_INPUT naming file, line and column. */
export function csvNumber(cell: string, file: string, line: number, column: string): number {
  const v = NUMBER_RE.test(cell) ? Number(cell) : NaN
  if (!Number.isFinite(v))
    throw badInput(
      cell === ''
        ? `empty ${column}: a number is required`
        : `${column} "${cell}" is not a finite number`,
      { file, line, field: column },
    )
  return v
}
