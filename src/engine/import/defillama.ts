// Importer for DefiLlama API responses (real-data.md §4): the `/protocols` list (metadata only) and
// `/protocol/{slug}` responses, from which weekly snapshots are built:
// - node size: the protocol's TVL as of each Monday (defillama-series.ts), by default DefiLlama's
//   own TVL (base chains; the top-level `tvl` series). With includeExtraSections the extra
//   chainTvls sections (borrowed, staking, pool2, offers, treasury, vesting) are added, as
//   DeXposure's ingest does (it iterates every chainTvls key);
// - composition: `tokensInUsd` as of the same Monday (null when the response has none, e.g.
//   misrepresentedTokens);
// - edges the DeXposure way (reference-spec §2): a holder of token T whose issuer is B (token_issuers,
//   imported from token_to_protocol.json) gets holder → B weighted by the USD it holds in B's tokens.
//   A token absent from the map is classified by DeXposure's rule (contains "LP" / "UNKNOWN" / "-"
//   → no issuer; otherwise PRIMARY) and a PRIMARY token without an issuing protocol becomes its own
//   token node, sized by the total held of it that week. Tokens without issuer (the LP, UNKNOWN and
//   OTHER groups) give links with a null target, dropped and counted as in the reference.
// Documented difference: DeXposure's edge weights are weekly *flows* (the positive change of
// holdings over the week, reference-spec §2); weights built here from DefiLlama are *stocks* (the
// USD held at the Monday). Both point holder → issuer, but ours do not churn week to week.
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { Composition, NodeInput, ProtocolInfo, TokenIssuer } from '../../shared/domain'
import { inWeekRange, WEEK_RANGE } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { ImportSession } from '../store/archive'
import { asOfMondays, sumWeekly, sumWeeklyTokens, type Point } from './defillama-series'
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
import { normalizeWeek, type RawLink } from './normalize'
import type { ImportProgress } from './types'

/** chainTvls sections that are not base-chain TVL (defillama-server normalizeChain.ts). */
export const EXTRA_SECTIONS = ['staking', 'pool2', 'offers', 'borrowed', 'treasury', 'vesting']

export interface DefillamaImportOptions {
  includeExtraSections?: boolean
  strict?: boolean
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
  /** Protocols already archived (to resolve responses without an id by name). */
  existing: Map<string, ProtocolInfo>
  issuers: Map<string, TokenIssuer>
  /** Messages about fallbacks taken, reported with the import. */
  notes: string[]
}

type Tokens = Record<string, number>

interface ProtocolSeries {
  id: string
  file: string
  size: Map<string, number>
  tokens: Map<string, Tokens> | null
}

/** Resolves a protocol id: `id` field, else a unique name match in the archive, else slug, file stem, name. */
class IdResolver {
  private readonly byName = new Map<string, string | null>()
  readonly how: Record<'name_match' | 'slug' | 'file' | 'name', string[]> = {
    name_match: [],
    slug: [],
    file: [],
    name: [],
  }

  constructor(existing: Map<string, ProtocolInfo>) {
    for (const p of existing.values()) {
      if (!p.name) continue
      const k = p.name.toLowerCase()
      this.byName.set(k, this.byName.has(k) ? null : p.id) // null = ambiguous
    }
  }

  resolve(
    rec: Record<string, unknown>,
    stem: string | null,
  ): { id: string; matched: boolean } | null {
    const str = (v: unknown) =>
      typeof v === 'string' && v.trim() !== ''
        ? v.trim()
        : typeof v === 'number' && Number.isFinite(v)
          ? String(v)
          : null
    const id = str(rec.id)
    if (id) return { id, matched: false }
    const name = str(rec.name)
    const label = name ?? str(rec.slug) ?? stem ?? '?'
    const hit = name ? this.byName.get(name.toLowerCase()) : undefined
    if (hit) {
      this.how.name_match.push(label)
      return { id: hit, matched: true }
    }
    const slug = str(rec.slug)
    if (slug) {
      this.how.slug.push(label)
      return { id: slug, matched: false }
    }
    if (stem) {
      this.how.file.push(label)
      return { id: stem, matched: false }
    }
    if (name) {
      this.how.name.push(label)
      return { id: name, matched: false }
    }
    return null
  }

  describe(): string[] {
    const list = (xs: string[]) =>
      xs.length > 5 ? `${xs.slice(0, 5).join(', ')} … (${xs.length})` : xs.join(', ')
    const out: string[] = []
    if (this.how.name_match.length)
      out.push(
        `${this.how.name_match.length} protocol(s) had no id and were matched by name to archived protocols: ${list(this.how.name_match)}`,
      )
    if (this.how.slug.length)
      out.push(
        `${this.how.slug.length} protocol(s) had no id and are stored under their slug: ${list(this.how.slug)}`,
      )
    if (this.how.file.length)
      out.push(
        `${this.how.file.length} protocol(s) had no id or slug and are stored under their file name: ${list(this.how.file)}`,
      )
    if (this.how.name.length)
      out.push(
        `${this.how.name.length} protocol(s) had no id or slug and are stored under their name: ${list(this.how.name)}`,
      )
    return out
  }
}

interface FileCtx {
  file: string
  bytes: Buffer
}

function failAt(ctx: FileCtx, message: string, path: JsonPath): never {
  throw badInput(message, {
    file: ctx.file,
    field: pathName(path),
    offset: locateJsonValue(ctx.bytes, path),
  })
}

/** A point must fall in a supported week (src/shared/dates.ts). */
function checkDate(ctx: FileCtx, t: number, path: JsonPath): void {
  if (inWeekRange(t)) return
  const when = Math.abs(t) <= 8.64e15 ? new Date(t).toISOString().slice(0, 10) : 'no real date'
  failAt(ctx, `date ${t / 1000} (${when}) is outside the supported range (${WEEK_RANGE})`, path)
}

function dateMs(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v * 1000
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v) * 1000
  return NaN
}

/** `[{date, totalLiquidityUSD}]` → weekly values. */
function tvlWeekly(ctx: FileCtx, arr: unknown, path: JsonPath): Map<string, number> {
  if (!Array.isArray(arr))
    failAt(ctx, `expected an array of {date, totalLiquidityUSD} (found ${typeName(arr)})`, path)
  const points: Point<number>[] = []
  const a = arr as unknown[]
  for (let i = 0; i < a.length; i++) {
    const e = a[i]
    if (!isObject(e))
      failAt(ctx, `expected {date, totalLiquidityUSD} (found ${typeName(e)})`, [...path, i])
    const t = dateMs(e.date)
    if (Number.isNaN(t))
      failAt(ctx, `date must be unix seconds (found ${typeName(e.date)})`, [...path, i, 'date'])
    checkDate(ctx, t, [...path, i, 'date'])
    const v = e.totalLiquidityUSD
    if (typeof v !== 'number' || !Number.isFinite(v))
      failAt(
        ctx,
        `totalLiquidityUSD must be a finite number (found ${typeof v === 'number' ? v : typeName(v)})`,
        [...path, i, 'totalLiquidityUSD'],
      )
    points.push({ t, v: v as number })
  }
  points.sort((x, y) => x.t - y.t) // DefiLlama sends them sorted; a stable sort keeps that order
  return asOfMondays(points)
}

/** `[{date, tokens: {SYM: usd}}]` → weekly token maps. */
function tokensWeekly(ctx: FileCtx, arr: unknown, path: JsonPath): Map<string, Tokens> {
  if (!Array.isArray(arr))
    failAt(ctx, `expected an array of {date, tokens} (found ${typeName(arr)})`, path)
  const points: Point<Tokens>[] = []
  const a = arr as unknown[]
  for (let i = 0; i < a.length; i++) {
    const e = a[i]
    if (!isObject(e)) failAt(ctx, `expected {date, tokens} (found ${typeName(e)})`, [...path, i])
    const t = dateMs(e.date)
    if (Number.isNaN(t))
      failAt(ctx, `date must be unix seconds (found ${typeName(e.date)})`, [...path, i, 'date'])
    checkDate(ctx, t, [...path, i, 'date'])
    const tokens = e.tokens
    if (!isObject(tokens))
      failAt(ctx, `tokens must be an object of symbol → USD (found ${typeName(tokens)})`, [
        ...path,
        i,
        'tokens',
      ])
    for (const k in tokens as Tokens) {
      const long = idProblem('a token symbol', k)
      if (long) failAt(ctx, long, [...path, i, 'tokens'])
      const v = (tokens as Record<string, unknown>)[k]
      if (typeof v !== 'number' || !Number.isFinite(v))
        failAt(
          ctx,
          `value of token "${k}" must be a finite number (found ${typeof v === 'number' ? v : typeName(v)})`,
          [...path, i, 'tokens', k],
        )
    }
    points.push({ t, v: tokens as Tokens })
  }
  points.sort((x, y) => x.t - y.t)
  return asOfMondays(points)
}

const sectionOf = (key: string): string | null => {
  if (EXTRA_SECTIONS.includes(key)) return key
  const dash = key.lastIndexOf('-')
  if (dash > 0 && EXTRA_SECTIONS.includes(key.slice(dash + 1))) return key.slice(dash + 1)
  return null
}

/** Keys of chainTvls that make up one extra section: its aggregate key, else its per-chain keys. */
function sectionKeys(keys: string[], section: string): string[] {
  if (keys.includes(section)) return [section]
  return keys.filter((k) => k.endsWith(`-${section}`))
}

function readResponse(
  ctx: FileCtx,
  r: Record<string, unknown>,
  path: JsonPath,
  id: string,
  opts: DefillamaImportOptions,
): ProtocolSeries {
  const chainTvls = r.chainTvls
  if (chainTvls !== undefined && !isObject(chainTvls))
    failAt(ctx, `chainTvls must be an object keyed by chain (found ${typeName(chainTvls)})`, [
      ...path,
      'chainTvls',
    ])
  const chains = (chainTvls ?? {}) as Record<string, unknown>
  const keys = Object.keys(chains)
  for (const k of keys) {
    const long = idProblem('a chainTvls key', k)
    if (long) failAt(ctx, long, [...path, 'chainTvls'])
  }
  for (const k of keys)
    if (!isObject(chains[k]))
      failAt(
        ctx,
        `chainTvls["${k}"] must be an object with tvl/tokensInUsd/tokens (found ${typeName(chains[k])})`,
        [...path, 'chainTvls', k],
      )
  const chain = (k: string) => chains[k] as Record<string, unknown>
  const baseKeys = keys.filter((k) => sectionOf(k) === null)

  // Size: the top-level series is DefiLlama's TVL (base chains); without it, sum the base chains.
  let size: Map<string, number>
  if (r.tvl !== undefined) size = tvlWeekly(ctx, r.tvl, [...path, 'tvl'])
  else {
    const parts = baseKeys.filter((k) => chain(k).tvl !== undefined)
    if (parts.length === 0)
      failAt(
        ctx,
        `protocol "${id}" has no tvl history (neither "tvl" nor chainTvls.<chain>.tvl)`,
        path,
      )
    size = sumWeekly(
      parts.map((k) => tvlWeekly(ctx, chain(k).tvl, [...path, 'chainTvls', k, 'tvl'])),
    )
    opts.notes.push(`${id}: no top-level "tvl"; size summed from chainTvls of ${parts.join(', ')}`)
  }

  // Composition: top-level tokensInUsd, else the base chains' (empty arrays = no composition).
  let tokens: Map<string, Tokens> | null = null
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0
  if (nonEmpty(r.tokensInUsd)) tokens = tokensWeekly(ctx, r.tokensInUsd, [...path, 'tokensInUsd'])
  else {
    if (r.tokensInUsd !== undefined && !Array.isArray(r.tokensInUsd))
      failAt(ctx, `tokensInUsd must be an array (found ${typeName(r.tokensInUsd)})`, [
        ...path,
        'tokensInUsd',
      ])
    const parts = baseKeys.filter((k) => nonEmpty(chain(k).tokensInUsd))
    if (parts.length)
      tokens = sumWeeklyTokens(
        parts.map((k) =>
          tokensWeekly(ctx, chain(k).tokensInUsd, [...path, 'chainTvls', k, 'tokensInUsd']),
        ),
      )
  }

  if (opts.includeExtraSections) {
    const sections = [...new Set(keys.map(sectionOf).filter((s): s is string => s !== null))]
    if (r.chainTvls === undefined)
      opts.notes.push(`${id}: the response has no chainTvls, so extra sections could not be added`)
    const extraSize: Map<string, number>[] = []
    const extraTokens: Map<string, Tokens>[] = []
    for (const s of sections)
      for (const k of sectionKeys(keys, s)) {
        if (chain(k).tvl !== undefined)
          extraSize.push(tvlWeekly(ctx, chain(k).tvl, [...path, 'chainTvls', k, 'tvl']))
        if (nonEmpty(chain(k).tokensInUsd))
          extraTokens.push(
            tokensWeekly(ctx, chain(k).tokensInUsd, [...path, 'chainTvls', k, 'tokensInUsd']),
          )
      }
    if (extraSize.length) {
      const extra = sumWeekly(extraSize)
      // Extras are added where the base TVL exists; a week is never created by an extra section alone.
      for (const [w, v] of size) size.set(w, v + (extra.get(w) ?? 0))
    }
    if (extraTokens.length)
      tokens = sumWeeklyTokens(tokens ? [tokens, ...extraTokens] : extraTokens)
  }
  return { id, file: ctx.file, size, tokens }
}

/** `tvl` is a history (a /protocol response) or a number (a /protocols list entry), not text. */
function checkTvlType(ctx: FileCtx, r: Record<string, unknown>, path: JsonPath): void {
  const v = r.tvl
  // null is a list entry without a value; objects are judged where a history is read.
  if (typeof v === 'string' || typeof v === 'boolean')
    failAt(
      ctx,
      `tvl must be an array of {date, totalLiquidityUSD} (a /protocol response) or a number (a /protocols list entry), found ${typeName(v)}`,
      [...path, 'tvl'],
    )
}

/** Types and lengths of the fields stored as protocol metadata or used as its id. */
function checkProtocolFields(ctx: FileCtx, r: Record<string, unknown>, path: JsonPath): void {
  for (const k of ['name', 'category', 'slug'] as const)
    if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string')
      failAt(ctx, `${k} must be a string (found ${typeName(r[k])})`, [...path, k])
  for (const k of ['id', 'slug', 'name', 'category'] as const) {
    const v = r[k]
    if (typeof v !== 'string') continue
    const problem = k === 'id' || k === 'slug' ? idProblem(k, v.trim()) : nameProblem(k, v)
    if (problem) failAt(ctx, problem, [...path, k])
  }
  checkTvlType(ctx, r, path)
}

/**
 * A /protocol response has a tvl history array or per-chain histories; a /protocols list entry has
 * a number `tvl` and `chainTvls` of chain → number.
 */
const isResponse = (e: Record<string, unknown>) =>
  Array.isArray(e.tvl) ||
  (isObject(e.chainTvls) && Object.values(e.chainTvls).some((v) => isObject(v)))

/** The input files and where their JSON values are. */
export async function importDefillama(
  session: ImportSession,
  files: string[],
  bytesTotal: number,
  opts: DefillamaImportOptions,
): Promise<void> {
  const ids = new IdResolver(opts.existing)
  const series: ProtocolSeries[] = []
  const seen = new Map<string, string>()
  const protocols = new Map<string, ProtocolInfo>()
  let listEntries = 0
  let bytesDone = 0
  const cancelled = (file: string) =>
    new DexposureError('CANCELLED', 'import cancelled; the archive is unchanged', { file })

  for (const file of files) {
    if (opts.signal?.aborted) throw cancelled(file)
    const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw badInput(`cannot read the file: ${e.message}`, { file })
    })
    if (bytes.toString('utf8').trim() === '')
      throw badInput('the file is empty', { file, offset: 0 })
    const ctx: FileCtx = { file, bytes }
    const value = parseJsonBytes(bytes, { file, base: 0 })
    // Where the protocol objects are: a /protocol response, an array of them, a /protocols list,
    // or a /lite/protocols2 object {protocols: [...]}.
    let items: { rec: unknown; path: JsonPath }[]
    if (Array.isArray(value)) items = value.map((rec, i) => ({ rec, path: [i] }))
    else if (isObject(value) && Array.isArray(value.protocols) && !isResponse(value))
      items = value.protocols.map((rec, i) => ({ rec, path: ['protocols', i] }))
    else if (isObject(value)) {
      checkTvlType(ctx, value, [])
      if (!isResponse(value))
        failAt(
          ctx,
          'not a DefiLlama /protocol response: it has no "tvl" array and no "chainTvls" object',
          [],
        )
      items = [{ rec: value, path: [] }]
    } else
      return failAt(
        ctx,
        `expected a DefiLlama /protocol response, an array of them, or a /protocols list (found ${typeName(value)})`,
        [],
      )
    if (items.length === 0) failAt(ctx, 'the array holds no protocols', [])
    const stem = items.length === 1 ? basename(file, extname(file)) : null

    for (const { rec, path } of items) {
      if (!isObject(rec)) failAt(ctx, `expected a protocol object (found ${typeName(rec)})`, path)
      const r = rec as Record<string, unknown>
      checkProtocolFields(ctx, r, path)
      const response = isResponse(r)
      const resolved = ids.resolve(r, response ? stem : null)
      if (!resolved) failAt(ctx, 'the protocol has no id, name or slug', path)
      const { id, matched } = resolved as { id: string; matched: boolean }
      // An id taken from the name (or file name) must fit the id limit too.
      const longId = idProblem('the protocol id (taken from its name)', id)
      if (longId) failAt(ctx, longId, [...path, 'name'])
      const first = seen.get(`${response}\u0000${id}`)
      if (first !== undefined) {
        if (response)
          failAt(
            ctx,
            `protocol "${id}" appears twice among the responses (first in ${first})`,
            path,
          )
        opts.notes.push(
          `protocol list: "${String(r.name ?? id)}" appears again as id ${id}; the first entry is kept`,
        )
        continue
      }
      seen.set(`${response}\u0000${id}`, basename(file))
      const name = typeof r.name === 'string' && r.name.trim() !== '' ? r.name : null
      const category =
        typeof r.category === 'string' && r.category.trim() !== '' ? r.category : null
      const prev = protocols.get(id)
      protocols.set(id, {
        id,
        // A name match keeps the archived spelling.
        name: matched ? null : (name ?? prev?.name ?? null),
        category: category ?? prev?.category ?? null,
        sector: null,
      })
      if (response) series.push(readResponse(ctx, r, path, id, opts))
      else listEntries++
    }
    bytesDone += bytes.length
    opts.onProgress?.({ bytesDone, bytesTotal, weeksDone: 0 })
  }
  opts.notes.push(...ids.describe())
  if (protocols.size > 0) session.putProtocols([...protocols.values()])
  if (series.length === 0) {
    if (listEntries > 0)
      opts.notes.push('a /protocols list carries no history: only protocol metadata was imported')
    return
  }
  writeWeeks(session, series, files[0], bytesTotal, opts)
}

/** DeXposure's token classes for a symbol missing from the token map (etl_network.update_mapping). */
export function classifyToken(symbol: string): 'LP' | 'UNKNOWN' | 'OTHER' | 'PRIMARY' {
  const s = symbol.toUpperCase()
  if (s.includes('LP')) return 'LP'
  if (s.includes('UNKNOWN')) return 'UNKNOWN'
  if (s.includes('-')) return 'OTHER'
  return 'PRIMARY'
}

/** Issuer node of a token, or null when it has none (external asset: the link is dropped). */
export function issuerOf(token: string, issuers: Map<string, TokenIssuer>): string | null {
  const row = issuers.get(token)
  if (row) {
    // LP, UNKNOWN and OTHER tokens carry their group name as a placeholder issuer.
    if (row.issuer === row.group && row.group !== 'PRIMARY' && row.group !== 'MAP') return null
    return row.issuer
  }
  return classifyToken(token) === 'PRIMARY' ? token : null
}

function writeWeeks(
  session: ImportSession,
  series: ProtocolSeries[],
  file: string,
  bytesTotal: number,
  opts: DefillamaImportOptions,
): void {
  if (opts.issuers.size === 0)
    opts.notes.push(
      'the archive has no token → issuer map (import token_to_protocol.json first): only primary tokens became token nodes',
    )
  if (!series.some((s) => s.tokens && s.tokens.size > 0))
    opts.notes.push(
      'no response has tokensInUsd: nodes have sizes but no composition, and there are no edges',
    )
  const weeks = [...new Set(series.flatMap((s) => [...s.size.keys()]))].sort()
  const protocolIds = new Set(series.map((s) => s.id))
  let weeksDone = 0
  for (const week of weeks) {
    if (opts.signal?.aborted)
      throw new DexposureError('CANCELLED', 'import cancelled; the archive is unchanged', {
        file,
        week,
      })
    const nodes: NodeInput[] = []
    const links: RawLink[] = []
    const tokenTotals = new Map<string, number>()
    for (const s of series) {
      const size = s.size.get(week)
      if (size === undefined) continue
      const comp = s.tokens?.get(week) ?? null
      nodes.push({ id: s.id, size, composition: comp ? { ...comp } : null })
      if (!comp) continue
      // One link per (holder, issuer): the USD held in that issuer's tokens, by token.
      const byIssuer = new Map<string | null, { weight: number; composition: Composition }>()
      for (const [token, usd] of Object.entries(comp)) {
        const issuer = issuerOf(token, opts.issuers)
        let l = byIssuer.get(issuer)
        if (!l) byIssuer.set(issuer, (l = { weight: 0, composition: {} }))
        l.weight += usd
        l.composition[token] = usd
        if (issuer === token && !protocolIds.has(token) && usd > 0)
          tokenTotals.set(token, (tokenTotals.get(token) ?? 0) + usd)
      }
      for (const [issuer, l] of byIssuer)
        links.push({
          source: s.id,
          target: issuer,
          weight: l.weight,
          composition: l.composition,
          location: { file: s.file },
        })
    }
    // Token nodes (primary tokens without issuing protocol), sized by what protocols hold of them.
    for (const token of [...tokenTotals.keys()].sort()) {
      const total = tokenTotals.get(token) as number
      nodes.push({ id: token, size: total, composition: { [token]: total } })
    }
    const { input, counts } = normalizeWeek(week, nodes, links, { file, strict: opts.strict })
    session.putWeek(input, counts)
    session.addCounts(counts)
    weeksDone++
    opts.onProgress?.({ bytesDone: bytesTotal, bytesTotal, week, weeksDone })
  }
}
