// The node universe of one demo archive: which real ids can appear, their sector, importance (size
// prior), birth order and the tokens each issues. Built from the bundled real metadata only.
import {
  ALGO_STABLE_CATEGORY,
  CEX_CATEGORY,
  FTX_PROTOCOL_IDS,
  FTX_TOKEN_IDS,
  OTHER_SECTOR,
  SECTORS,
  TERRA_PROTOCOL_IDS,
  TERRA_TOKEN_IDS,
  TOKEN_NODE_SHARE,
  TOKEN_SECTOR,
} from './calibration'
import {
  BIRTH_JITTER,
  HOLDER_EXP,
  IMPORTANCE_SD,
  ISSUER_FREQ_EXP,
  ISSUER_IMP_EXP,
  TOKEN_HOLDER_FACTOR,
} from './params'
import { DexposureError } from '../../shared/errors'
import type { RealMetadata } from './real-metadata'
import { MAX_UNIVERSE } from './relationships'
import type { Rng } from './rng'

export const KIND_PROTOCOL = 0
export const KIND_TOKEN = 1

export const FLAG_TERRA = 1
export const FLAG_ALGO = 2
export const FLAG_FTX = 4
export const FLAG_CEX = 8

export interface Universe {
  size: number
  ids: string[]
  /** JSON text of each id (quoted, escaped), ready for the writer and compositions. */
  idJson: string[]
  kind: Uint8Array
  sector: Uint8Array
  flags: Uint8Array
  /** Size prior (relative; Zipf in the global importance rank). */
  importance: Float64Array
  /** Global importance rank, 1 = most important. */
  rank: Int32Array
  holderWeight: Float64Array
  /** 0 for nodes that issue no token. */
  issuerWeight: Float64Array
  /** Token indexes each node issues, most frequent first. */
  issued: Int32Array[]
  /** Universe indexes in birth order, per kind. */
  birthProtocols: Int32Array
  birthTokens: Int32Array
  tokens: TokenTable
}

export interface TokenTable {
  symbols: string[]
  json: string[]
  frequency: Float64Array
  /** Tokens with no issuing node (groups LP, UNKNOWN, OTHER): held, never linked to a node. */
  unmapped: Int32Array
  unmappedCumWeight: Float64Array
}

const sectorIndex = new Map<string, number>(SECTORS.map((s, i) => [s, i]))

/**
 * Candidates are every meta_df / id_to_info protocol id and every PRIMARY token that issues itself
 * (the "Primary Market Token" nodes). Importance interleaves protocols (meta_df order = current TVL
 * rank) and tokens (frequency rank) so that token nodes make TOKEN_NODE_SHARE of any top slice; the
 * universe keeps the `maxSize` most important. Birth order follows numeric DefiLlama id (ids are
 * assigned at listing) for protocols and frequency for tokens, both jittered.
 */
export function buildUniverse(
  meta: RealMetadata,
  maxSize: number,
  zipfAlpha: number,
  rng: Rng,
): Universe {
  interface Cand {
    id: string
    kind: number
    pos: number
    sector: number
    category: string | null
    birthKey: number
  }
  const cands: Cand[] = []
  const protocolIds = new Set<string>()
  const fP = 1 - TOKEN_NODE_SHARE
  meta.meta.forEach((r, i) => {
    protocolIds.add(r.id)
    cands.push({
      id: r.id,
      kind: KIND_PROTOCOL,
      pos: (i + 1) / fP,
      sector: protocolSector(meta.info.get(r.id)?.sector),
      category: r.category,
      birthKey: 0,
    })
  })
  for (const [id, v] of meta.info)
    if (!protocolIds.has(id)) {
      protocolIds.add(id)
      cands.push({
        id,
        kind: KIND_PROTOCOL,
        pos: (cands.length + 1) / fP,
        sector: protocolSector(v.sector),
        category: null,
        birthKey: 0,
      })
    }
  // Token nodes: PRIMARY tokens whose issuer is the symbol itself, most frequent first. Symbols that
  // equal a protocol id would collide with it and are left out.
  const tokenNodes = meta.tokens
    .filter((t) => t.group === 'PRIMARY' && t.issuer === t.token && !protocolIds.has(t.token))
    .sort((a, b) => b.frequency - a.frequency || (a.token < b.token ? -1 : 1))
  tokenNodes.forEach((t, i) =>
    cands.push({
      id: t.token,
      kind: KIND_TOKEN,
      pos: (i + 1) / TOKEN_NODE_SHARE,
      sector: TOKEN_SECTOR,
      category: null,
      birthKey: 0,
    }),
  )
  cands.sort((a, b) => a.pos - b.pos || a.kind - b.kind)
  const chosen = cands.slice(0, Math.min(maxSize, cands.length))
  const n = chosen.length
  if (n > MAX_UNIVERSE)
    throw new DexposureError('INTERNAL', `demo universe of ${n} ids exceeds ${MAX_UNIVERSE}`)

  // Birth keys: rank by numeric id (protocols) or by frequency (tokens, already in that order), jittered.
  const protos = chosen.filter((c) => c.kind === KIND_PROTOCOL)
  protos
    .slice()
    .sort((a, b) => Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : 1))
    .forEach((c, i) => (c.birthKey = (i + 1) * Math.exp(BIRTH_JITTER * rng.normal())))
  const toks = chosen.filter((c) => c.kind === KIND_TOKEN).sort((a, b) => a.pos - b.pos)
  toks.forEach((c, i) => (c.birthKey = (i + 1) * Math.exp(BIRTH_JITTER * rng.normal())))

  const ids = chosen.map((c) => c.id)
  const index = new Map(ids.map((id, i) => [id, i]))
  const kind = new Uint8Array(n)
  const sector = new Uint8Array(n)
  const flags = new Uint8Array(n)
  const importance = new Float64Array(n)
  const rank = new Int32Array(n)
  const terra = new Set([...TERRA_PROTOCOL_IDS, ...TERRA_TOKEN_IDS])
  const ftx = new Set([...FTX_PROTOCOL_IDS, ...FTX_TOKEN_IDS])
  for (let i = 0; i < n; i++) {
    const c = chosen[i]
    kind[i] = c.kind
    sector[i] = c.sector
    rank[i] = i + 1
    importance[i] = Math.pow(i + 1, -zipfAlpha) * Math.exp(IMPORTANCE_SD * rng.normal())
    if (terra.has(c.id)) flags[i] |= FLAG_TERRA
    if (c.category === ALGO_STABLE_CATEGORY) flags[i] |= FLAG_ALGO
    if (ftx.has(c.id)) flags[i] |= FLAG_FTX
    if (c.category === CEX_CATEGORY) flags[i] |= FLAG_CEX
  }

  // Token table and who issues what.
  const symbols: string[] = []
  const frequency: number[] = []
  const unmapped: number[] = []
  const issuedLists: number[][] = Array.from({ length: n }, () => [])
  const issuerFreq = new Float64Array(n)
  for (const t of meta.tokens) {
    const k = symbols.length
    symbols.push(t.token)
    frequency.push(t.frequency)
    if (t.group === 'MAP' || t.group === 'PRIMARY') {
      const j = index.get(t.issuer)
      if (j !== undefined) {
        issuedLists[j].push(k)
        issuerFreq[j] += t.frequency
      }
    } else unmapped.push(k)
  }
  const freqArr = Float64Array.from(frequency)
  const issued = issuedLists.map((l) =>
    Int32Array.from(l.sort((a, b) => freqArr[b] - freqArr[a] || a - b)),
  )
  const holderWeight = new Float64Array(n)
  const issuerWeight = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    holderWeight[i] =
      Math.pow(importance[i], HOLDER_EXP) * (kind[i] === KIND_TOKEN ? TOKEN_HOLDER_FACTOR : 1)
    if (issued[i].length > 0)
      issuerWeight[i] =
        Math.pow(issuerFreq[i] + 1, ISSUER_FREQ_EXP) * Math.pow(importance[i], ISSUER_IMP_EXP)
  }
  const unmappedCum = new Float64Array(unmapped.length)
  let acc = 0
  unmapped.forEach((k, i) => {
    acc += Math.sqrt(freqArr[k] + 1)
    unmappedCum[i] = acc
  })

  const byKey = (list: Cand[]) =>
    Int32Array.from(
      list
        .slice()
        .sort((a, b) => a.birthKey - b.birthKey)
        .map((c) => index.get(c.id)!),
    )
  return {
    size: n,
    ids,
    idJson: ids.map((id) => JSON.stringify(id)),
    kind,
    sector,
    flags,
    importance,
    rank,
    holderWeight,
    issuerWeight,
    issued,
    birthProtocols: byKey(protos),
    birthTokens: byKey(toks),
    tokens: {
      symbols,
      json: symbols.map((s) => JSON.stringify(s)),
      frequency: freqArr,
      unmapped: Int32Array.from(unmapped),
      unmappedCumWeight: unmappedCum,
    },
  }
}

function protocolSector(coarse: string | undefined): number {
  if (coarse === undefined) return OTHER_SECTOR
  return sectorIndex.get(coarse) ?? OTHER_SECTOR
}
