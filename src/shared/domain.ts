// Domain types shared by every runtime. Pure TypeScript: no Node, no DOM.

/** A week is named by its Monday, `YYYY-MM-DD` (UTC). */
export type WeekId = string

/** USD value per token symbol. Values may be negative in raw data (features clip them). */
export type Composition = Record<string, number>

/**
 * A composition kept as its source JSON text plus its values in order. The streaming importer
 * produces these instead of objects: building millions of objects with ever-different token keys
 * is what makes JSON.parse slow on DeXposure files (V8 creates a hidden class per key set).
 */
export interface RawComposition {
  readonly kind: 'raw'
  /** The JSON object text, exactly as in the source (stored verbatim). */
  readonly json: string
  readonly values: ArrayLike<number>
}

export type CompositionInput = Composition | RawComposition

export const isRawComposition = (c: CompositionInput | null): c is RawComposition =>
  c !== null &&
  (c as RawComposition).kind === 'raw' &&
  typeof (c as RawComposition).json === 'string'

/** The composition as a plain object (parses raw JSON text; for the rare paths that need keys). */
export function compositionObject(c: CompositionInput): Composition {
  return isRawComposition(c) ? (JSON.parse(c.json) as Composition) : c
}

/** The composition as JSON text for storage. */
export const compositionJson = (c: CompositionInput): string =>
  isRawComposition(c) ? c.json : JSON.stringify(c)

/** A node as importers hand it to the archive (one week). */
export interface NodeInput {
  id: string
  size: number
  composition: CompositionInput | null
}

/** A directed exposure edge holder → issuer as importers hand it to the archive. */
export interface EdgeInput {
  source: string
  target: string
  weight: number
  composition: CompositionInput | null
}

/** One normalised weekly snapshot, ready to be written. */
export interface WeekInput {
  week: WeekId
  nodes: NodeInput[]
  edges: EdgeInput[]
}

export interface WeekSummary {
  week: WeekId
  nodes: number
  edges: number
  totalTvl: number
  totalExposure: number
  synthetic: boolean
}

/**
 * Base node features, column order fixed by FEATURE_NAMES (schema version FEATURE_SCHEMA_VERSION).
 * The category one-hot of reference-spec §3 is not stored: the category is joined at load time,
 * because protocol metadata may be imported after the network.
 */
export const FEATURE_NAMES = [
  'log_tvl',
  'n_token_types',
  'max_token_share',
  'token_entropy',
  'tvl_change',
  'in_degree_norm',
  'out_degree_norm',
] as const
export const FEATURE_COUNT = FEATURE_NAMES.length
export const FEATURE_SCHEMA_VERSION = 1

/** A whole week as typed arrays: the fast path for models and risk tools. */
export interface WeekFrame {
  week: WeekId
  nodeIds: string[]
  /** USD size (TVL) per node. */
  sizes: Float64Array
  /** Row-major [N × FEATURE_COUNT] float32 features. */
  features: Float32Array
  /** Fine category per node ("Unknown" when absent). */
  categories: string[]
  /** Coarse sector per node ("Unknown" when absent). */
  sectors: string[]
  edgeSrc: Int32Array
  edgeDst: Int32Array
  /** Linear USD weight per edge. */
  edgeWeight: Float64Array
  synthetic: boolean
}

export interface ProtocolInfo {
  id: string
  name: string | null
  category: string | null
  sector: string | null
}

export interface TokenIssuer {
  token: string
  issuer: string
  group: string | null
  frequency: number | null
}

/** Why an input row was dropped, changed or merged during import. Counted per import and week. */
export type ImportCountKey =
  | 'nodes_kept'
  | 'edges_kept'
  | 'nodes_null_id_dropped'
  | 'nodes_negative_size_clipped'
  | 'edges_target_null_dropped'
  | 'edges_endpoint_missing_dropped'
  | 'edges_self_loop_dropped'
  | 'edges_nonpositive_dropped'
  | 'edges_duplicate_merged'

export type ImportCounts = Partial<Record<ImportCountKey, number>>

export type ImportFormat = 'dexposure' | 'meta' | 'defillama' | 'csv'

export type WeekWriteOutcome = 'inserted' | 'unchanged' | 'replaced'

export interface ImportReport {
  importId: number | null
  file: string
  format: ImportFormat
  sha256: string
  weeksInserted: WeekId[]
  weeksReplaced: WeekId[]
  weeksUnchanged: WeekId[]
  counts: ImportCounts
  /** Rows of non-network tables (protocols, token issuers) written. */
  rows: Record<string, number>
  durationMs: number
  /** Fallbacks the importer took (e.g. ids resolved by name), for the user to read. */
  notes?: string[]
}
