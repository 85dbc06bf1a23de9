// Importers for the DeXposure metadata files (reference-spec §1.2–1.3, real-data.md §1.2–1.4):
// meta_df.csv (id → name, fine category), id_to_info.json (id → name, coarse sector) and
// token_to_protocol.json (token → issuer, the map that builds exposure edges). These files are a
// few MB at most, so the JSON ones are parsed whole.
import { readFile } from 'node:fs/promises'
import type { ProtocolInfo, TokenIssuer } from '../../shared/domain'
import type { ImportSession } from '../store/archive'
import { columnIndex, readCsv } from './csv-read'
import {
  badInput,
  locateJsonValue,
  parseJsonBytes,
  pathName,
  type JsonPath,
  typeName,
  isObject,
} from './json-text'
import { idProblem, nameProblem } from './limits'

/** Empty or whitespace-only text means "absent". */
const text = (v: string): string | null => (v.trim() === '' ? null : v)

/** meta_df.csv: `id,name,category`; ids kept as strings, empty cells become null. */
export async function importMetaDf(
  session: ImportSession,
  file: string,
  signal?: AbortSignal,
): Promise<number> {
  const rows: ProtocolInfo[] = []
  const seen = new Map<string, number>()
  let cols: Record<string, number> | null = null
  for await (const row of readCsv(file, signal)) {
    if (!cols) {
      cols = columnIndex(row, file, {
        id: { aliases: ['id'], required: true },
        name: { aliases: ['name'], required: true },
        category: { aliases: ['category'], required: true },
      })
      continue
    }
    const id = row.values[cols.id]
    if (!id) throw badInput('empty id', { file, line: row.line, field: 'id' })
    for (const [field, problem] of [
      ['id', idProblem(`id`, id)],
      ['name', nameProblem('name', row.values[cols.name])],
      ['category', nameProblem('category', row.values[cols.category])],
    ] as const)
      if (problem) throw badInput(problem, { file, line: row.line, field })
    const first = seen.get(id)
    if (first !== undefined)
      throw badInput(`id "${id}" appears twice (first on line ${first})`, {
        file,
        line: row.line,
        field: 'id',
      })
    seen.set(id, row.line)
    rows.push({
      id,
      name: text(row.values[cols.name]),
      category: text(row.values[cols.category]),
      sector: null,
    })
  }
  if (!cols) throw badInput('the file is empty', { file, offset: 0 })
  if (rows.length === 0) throw badInput('no rows after the header', { file, line: 2 })
  return session.putProtocols(rows)
}

async function readJson(file: string): Promise<{ bytes: Buffer; value: unknown }> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw badInput(`cannot read the file: ${e.message}`, { file })
  })
  if (bytes.toString('utf8').trim() === '') throw badInput('the file is empty', { file, offset: 0 })
  return { bytes, value: parseJsonBytes(bytes, { file, base: 0 }) }
}

/**
 * id_to_info.json: `{id: {name, category}}`, where category is the coarse sector. It fills
 * `protocols.sector`, and `name` only for protocols that have none yet (meta_df.csv is the
 * reference for names).
 */
export async function importIdToInfo(
  session: ImportSession,
  file: string,
  existing: Map<string, ProtocolInfo>,
): Promise<number> {
  const { bytes, value } = await readJson(file)
  // `field` differs from the path where a key is too long to print.
  const fail = (message: string, path: JsonPath, field = pathName(path)): never => {
    throw badInput(message, { file, field, offset: locateJsonValue(bytes, path) })
  }
  if (!isObject(value))
    fail(`expected an object keyed by protocol id (found ${typeName(value)})`, [])
  const rows: ProtocolInfo[] = []
  for (const [id, info] of Object.entries(value as Record<string, unknown>)) {
    if (id === '') fail('empty protocol id', [id])
    const tooLong = idProblem('a protocol id', id)
    if (tooLong) fail(tooLong, [id], '')
    if (!isObject(info))
      fail(`protocol "${id}": expected {"name", "category"} (found ${typeName(info)})`, [id])
    const rec = info as Record<string, unknown>
    for (const k of ['name', 'category'] as const) {
      const v = rec[k]
      if (v !== undefined && v !== null && typeof v !== 'string')
        fail(`protocol "${id}": ${k} must be a string (found ${typeName(v)})`, [id, k])
      const long = typeof v === 'string' ? nameProblem(`protocol "${id}": ${k}`, v) : null
      if (long) fail(long, [id, k])
    }
    const name = typeof rec.name === 'string' ? text(rec.name) : null
    rows.push({
      id,
      name: existing.get(id)?.name ? null : name,
      category: null,
      sector: typeof rec.category === 'string' ? text(rec.category) : null,
    })
  }
  if (rows.length === 0) fail('no protocols in the file', [])
  return session.putProtocols(rows)
}

/**
 * token_to_protocol.json: `{group: {TOKEN: {id, frequency}}}` → token_issuers rows. A token listed
 * in two groups is an error (its issuer would be ambiguous).
 */
export async function importTokenToProtocol(session: ImportSession, file: string): Promise<number> {
  const { bytes, value } = await readJson(file)
  // `field` differs from the path where a key is too long to print.
  const fail = (message: string, path: JsonPath, field = pathName(path)): never => {
    throw badInput(message, { file, field, offset: locateJsonValue(bytes, path) })
  }
  if (!isObject(value))
    fail(`expected {group: {TOKEN: {"id", "frequency"}}} (found ${typeName(value)})`, [])
  const rows: TokenIssuer[] = []
  const groupOf = new Map<string, string>()
  for (const [group, tokens] of Object.entries(value as Record<string, unknown>)) {
    const longGroup = idProblem('a group name', group)
    if (longGroup) fail(longGroup, [group], '')
    if (!isObject(tokens))
      fail(`group "${group}" must be an object of tokens (found ${typeName(tokens)})`, [group])
    for (const [token, entry] of Object.entries(tokens as Record<string, unknown>)) {
      const longToken = idProblem(`group "${group}": a token symbol`, token)
      if (longToken) fail(longToken, [group, token], pathName([group]))
      const path = [group, token]
      if (!isObject(entry))
        fail(`token "${token}": expected {"id", "frequency"} (found ${typeName(entry)})`, path)
      const e = entry as Record<string, unknown>
      let issuer: string
      if (typeof e.id === 'string' && e.id !== '') issuer = e.id
      else if (typeof e.id === 'number' && Number.isFinite(e.id)) issuer = String(e.id)
      else
        return fail(
          `token "${token}": id must be a non-empty string or a number (found ${e.id === '' ? 'an empty string' : typeName(e.id)})`,
          [...path, 'id'],
        )
      const longIssuer = idProblem(`token "${token}": id`, issuer)
      if (longIssuer) fail(longIssuer, [...path, 'id'])
      const f = e.frequency
      if (
        f !== undefined &&
        f !== null &&
        !(typeof f === 'number' && Number.isInteger(f) && f >= 0)
      )
        fail(`token "${token}": frequency must be a non-negative integer (found ${String(f)})`, [
          ...path,
          'frequency',
        ])
      const other = groupOf.get(token)
      if (other !== undefined)
        fail(`token "${token}" is listed in groups "${other}" and "${group}"`, path)
      groupOf.set(token, group)
      rows.push({ token, issuer, group, frequency: typeof f === 'number' ? f : null })
    }
  }
  if (rows.length === 0) fail('no tokens in the file', [])
  return session.putTokenIssuers(rows)
}
