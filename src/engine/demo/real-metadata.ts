// The real DeXposure metadata bundled under resources/real/ (see its NOTICE.md): protocol ids, names,
// fine categories (meta_df.csv), coarse sectors (id_to_info.json) and the token → issuer map
// (token_to_protocol.json). The demo generator builds its node universe from these.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import type { ProtocolInfo, TokenIssuer } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'

export const REAL_FILES = {
  meta: 'meta_df.csv',
  info: 'id_to_info.json',
  tokens: 'token_to_protocol.json',
} as const

/** Token groups of token_to_protocol.json, in the order rows are written. */
export const TOKEN_GROUPS = ['MAP', 'PRIMARY', 'LP', 'UNKNOWN', 'OTHER'] as const
export type TokenGroup = (typeof TOKEN_GROUPS)[number]

export interface MetaRow {
  id: string
  name: string
  category: string | null
}

export interface TokenRow {
  token: string
  issuer: string
  group: TokenGroup
  frequency: number
}

export interface RealMetadata {
  /** meta_df.csv rows in file order (the file is sorted by current TVL, largest first). */
  meta: MetaRow[]
  /** id_to_info.json: id → { name, coarse sector }. */
  info: Map<string, { name: string; sector: string }>
  /** token_to_protocol.json flattened, groups in TOKEN_GROUPS order, tokens in file order. */
  tokens: TokenRow[]
}

/**
 * The folder holding the bundled real files. Looked up, in order: $DEXPOSURE_RESOURCES/real,
 * Electron's resourcesPath/real, then `resources/real` in this module's folder or any parent (works
 * from src/ under vitest and from the esbuild/electron-vite bundles under out/).
 */
export function realResourceDir(): string {
  const tried: string[] = []
  const ok = (dir: string) => {
    tried.push(dir)
    return existsSync(join(dir, REAL_FILES.meta))
  }
  const env = process.env.DEXPOSURE_RESOURCES
  if (env && ok(join(env, 'real'))) return join(env, 'real')
  const electronResources = (process as { resourcesPath?: string }).resourcesPath
  if (electronResources && ok(join(electronResources, 'real')))
    return join(electronResources, 'real')
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    if (ok(join(dir, 'resources', 'real'))) return join(dir, 'resources', 'real')
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  throw new DexposureError(
    'INTERNAL',
    `bundled real metadata (resources/real/${REAL_FILES.meta}) not found; looked in: ${tried.join(', ')}`,
    { file: REAL_FILES.meta },
  )
}

const cache = new Map<string, RealMetadata>()

/** Reads and validates the three bundled files (once per folder and process). */
export function loadRealMetadata(dir = realResourceDir()): RealMetadata {
  const hit = cache.get(dir)
  if (hit) return hit
  const metaFile = join(dir, REAL_FILES.meta)
  const records = parse(readFileSync(metaFile), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  }) as Record<string, string>[]
  const meta: MetaRow[] = records.map((r, i) => {
    if (typeof r.id !== 'string' || r.id === '' || typeof r.name !== 'string')
      throw new DexposureError('BAD_INPUT', 'row lacks an id or a name', {
        file: metaFile,
        line: i + 2,
        field: 'id',
      })
    return { id: r.id, name: r.name, category: r.category ? r.category : null }
  })

  const infoFile = join(dir, REAL_FILES.info)
  const infoRaw = readJson(infoFile) as Record<string, { name?: unknown; category?: unknown }>
  const info = new Map<string, { name: string; sector: string }>()
  for (const [id, v] of Object.entries(infoRaw)) {
    if (typeof v?.name !== 'string' || typeof v.category !== 'string')
      throw new DexposureError('BAD_INPUT', `entry "${id}" lacks a name or a category`, {
        file: infoFile,
        field: id,
      })
    info.set(id, { name: v.name, sector: v.category })
  }

  const tokensFile = join(dir, REAL_FILES.tokens)
  const tokRaw = readJson(tokensFile) as Record<
    string,
    Record<string, { id?: unknown; frequency?: unknown }>
  >
  const tokens: TokenRow[] = []
  for (const group of TOKEN_GROUPS) {
    const g = tokRaw[group]
    if (!g || typeof g !== 'object')
      throw new DexposureError('BAD_INPUT', `group "${group}" is missing`, {
        file: tokensFile,
        field: group,
      })
    for (const [token, v] of Object.entries(g)) {
      if (typeof v?.id !== 'string' || typeof v.frequency !== 'number')
        throw new DexposureError('BAD_INPUT', `token "${token}" lacks an id or a frequency`, {
          file: tokensFile,
          field: `${group}.${token}`,
        })
      tokens.push({ token, issuer: v.id, group, frequency: v.frequency })
    }
  }
  const result = { meta, info, tokens }
  cache.set(dir, result)
  return result
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new DexposureError('BAD_INPUT', `cannot read JSON: ${(e as Error).message}`, { file })
  }
}

/** Protocol rows as the archive stores them: meta_df ids (name, fine category) joined with the
 * coarse sector of id_to_info, then the ids only id_to_info knows. */
export function protocolRows(m: RealMetadata): ProtocolInfo[] {
  const rows: ProtocolInfo[] = m.meta.map((r) => ({
    id: r.id,
    name: r.name,
    category: r.category,
    sector: m.info.get(r.id)?.sector ?? null,
  }))
  const seen = new Set(m.meta.map((r) => r.id))
  for (const [id, v] of m.info)
    if (!seen.has(id)) rows.push({ id, name: v.name, category: null, sector: v.sector })
  return rows
}

/** Token → issuer rows as the archive stores them (every group; `group` keeps the map's group). */
export function tokenIssuerRows(m: RealMetadata): TokenIssuer[] {
  return m.tokens.map((t) => ({
    token: t.token,
    issuer: t.issuer,
    group: t.group,
    frequency: t.frequency,
  }))
}
