// Format detection from content: the first KiB of a file (or the names of a directory's files) is
// enough to tell the formats apart. Rules are documented in docs/import-formats.md.
import { open, readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { ImportFormat } from '../../shared/domain'
import { badInput } from './json-text'

/** What exactly an input is; several kinds share one ImportFormat. */
export type InputKind =
  | 'dexposure'
  | 'meta_df'
  | 'id_to_info'
  | 'token_to_protocol'
  | 'defillama'
  | 'csv_nodes'
  | 'csv_edges'
  | 'csv_dir'
  | 'defillama_dir'

export const FORMAT_OF_KIND: Record<InputKind, ImportFormat> = {
  dexposure: 'dexposure',
  meta_df: 'meta',
  id_to_info: 'meta',
  token_to_protocol: 'meta',
  defillama: 'defillama',
  defillama_dir: 'defillama',
  csv_nodes: 'csv',
  csv_edges: 'csv',
  csv_dir: 'csv',
}

const PEEK_BYTES = 1024

/** The first KiB as text (a cut multi-byte character at the end is dropped). */
export async function peekText(file: string, bytes = PEEK_BYTES): Promise<string> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw badInput(`cannot read the file: ${e.message}`, { file })
  })
  try {
    const buf = Buffer.alloc(bytes)
    const { bytesRead } = await fh.read(buf, 0, bytes, 0)
    return new TextDecoder('utf-8').decode(buf.subarray(0, bytesRead)).replace(/\uFFFD+$/, '')
  } finally {
    await fh.close()
  }
}

// ------------------------------------------------------------------ JSON prefix tokens

type Tok = { t: 'p'; v: string } | { t: 's'; v: string } | { t: 'x'; v: string }

/** Tokens of a (possibly cut) JSON prefix: punctuation, complete strings, other literals. */
function jsonTokens(text: string, max = 64): Tok[] {
  const out: Tok[] = []
  const re = /\s*(?:([{}[\]:,])|("(?:[^"\\]|\\.)*")|([^\s{}[\]:,"]+))/y
  let m: RegExpExecArray | null
  while (out.length < max && (m = re.exec(text))) {
    if (m[1]) out.push({ t: 'p', v: m[1] })
    else if (m[2]) out.push({ t: 's', v: JSON.parse(m[2]) as string })
    else if (m[3]) out.push({ t: 'x', v: m[3] })
  }
  return out
}

const isP = (t: Tok | undefined, v: string) => t?.t === 'p' && t.v === v

const PROTOCOL_KEYS = new Set([
  'id',
  'name',
  'slug',
  'symbol',
  'category',
  'tvl',
  'chainTvls',
  'currentChainTvls',
  'tokensInUsd',
  'tokens',
  'chains',
  'address',
  'url',
  'description',
  'logo',
])

/**
 * Kind of a JSON document from its first KiB, or null when it is none we know.
 * `{"data": …` → DeXposure; `{"<id>": {"name"|"category": …` → id_to_info.json;
 * `{"<group>": {"<TOKEN>": {"id"|"frequency": …` → token_to_protocol.json; an object whose first
 * key is a protocol field with a non-object value, an array of such objects or `{"protocols": [` →
 * DefiLlama.
 */
export function jsonKind(text: string): InputKind | null {
  const t = jsonTokens(text.replace(/^\uFEFF/, ''))
  if (isP(t[0], '[')) {
    if (isP(t[1], '{') && t[2]?.t === 's' && PROTOCOL_KEYS.has(t[2].v)) return 'defillama'
    return null
  }
  if (!isP(t[0], '{') || t[1]?.t !== 's' || !isP(t[2], ':')) return null
  const first = t[1].v
  if (first === 'data' && isP(t[3], '{')) return 'dexposure'
  if (first === 'protocols' && isP(t[3], '[')) return 'defillama'
  if (isP(t[3], '{')) {
    if (t[4]?.t !== 's' || !isP(t[5], ':')) return null
    if ((t[4].v === 'name' || t[4].v === 'category') && !isP(t[6], '{')) return 'id_to_info'
    if (isP(t[6], '{') && t[7]?.t === 's' && (t[7].v === 'id' || t[7].v === 'frequency'))
      return 'token_to_protocol'
    return null
  }
  if (PROTOCOL_KEYS.has(first)) return 'defillama'
  return null
}

/** Kind of a CSV file from its header line, or null. */
export function csvKind(text: string): InputKind | null {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]
  if (!header.includes(',')) return null
  const cols = header.split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase())
  const has = (...names: string[]) => names.some((n) => cols.includes(n))
  if (cols.length === 3 && cols[0] === 'id' && cols[1] === 'name' && cols[2] === 'category')
    return 'meta_df'
  if (has('source') && has('target')) return 'csv_edges'
  if (has('id') && has('week', 'date') && has('size', 'tvl')) return 'csv_nodes'
  return null
}

/** Kind of a file from its content, or null. */
export async function fileKind(file: string): Promise<InputKind | null> {
  const text = await peekText(file)
  const start = text.replace(/^\uFEFF/, '').trimStart()
  if (start === '') throw badInput('the file is empty', { file, offset: 0 })
  if (start[0] === '{' || start[0] === '[') return jsonKind(text)
  return csvKind(text)
}

/** Lists a directory's regular files (sorted by name). */
export async function listFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
  return names.map((n) => join(dir, n))
}

/**
 * Kind of an input path. A directory holding `nodes.csv` (and usually `edges.csv`) is a CSV
 * network; a directory of `.json` files is a set of DefiLlama responses.
 */
export async function detectKind(path: string, format?: ImportFormat): Promise<InputKind> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw badInput(`cannot read the input: ${e.message}`, { file: path })
  })
  if (st.isDirectory()) {
    const files = await listFiles(path)
    const names = files.map((f) => f.slice(path.length + 1).toLowerCase())
    const isCsv = names.includes('nodes.csv')
    const json = names.filter((n) => extname(n) === '.json')
    if ((format === undefined || format === 'csv') && isCsv) return 'csv_dir'
    if ((format === undefined || format === 'defillama') && json.length > 0) return 'defillama_dir'
    throw badInput(
      format === 'csv'
        ? 'the directory has no nodes.csv'
        : format && format !== 'defillama'
          ? `a directory can only be imported as csv (nodes.csv + edges.csv) or defillama (.json responses), not ${format}`
          : 'the directory holds neither nodes.csv nor .json DefiLlama responses',
      { file: path },
    )
  }
  if (st.size === 0) throw badInput('the file is empty', { file: path, offset: 0 })
  const kind = await fileKind(path)
  if (format === undefined) {
    if (kind) return kind
    throw badInput(
      'cannot tell the format from the content; pass --format dexposure|meta|defillama|csv (formats are described in docs/import-formats.md)',
      { file: path, offset: 0 },
    )
  }
  if (kind && FORMAT_OF_KIND[kind] === format) return kind
  // An explicit format wins over an unrecognised (or differently recognised) start: the reader
  // for that format then reports precisely what is wrong.
  switch (format) {
    case 'dexposure':
      return 'dexposure'
    case 'defillama':
      return 'defillama'
    case 'csv':
      return 'csv_nodes'
    case 'meta': {
      const text = (await peekText(path)).replace(/^\uFEFF/, '').trimStart()
      if (text.startsWith('{')) return /"frequency"/.test(text) ? 'token_to_protocol' : 'id_to_info'
      return 'meta_df'
    }
  }
}
