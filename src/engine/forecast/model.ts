// Forecast models as files (docs/model-contract.md): a directory with model.json and two or three
// ONNX graphs, run by ONNX Runtime. The encoder runs once per week; the pair head scores pairs in
// batches; an optional fresh head gives per-node vectors once per week, from which the engine's
// own graphs (fresh-block.ts) score the pairs without history in blocks of holders. A model is
// validated before use (checksums, graph inputs and outputs, feature schema), and execution
// providers are tried in order with our own fallback, because ONNX Runtime throws rather than
// falling back; which provider ran, and why others did not, is part of every result.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURE_SCHEMA_VERSION,
  type WeekFrame,
} from '../../shared/domain'
import { dateToMs } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { freshSessions, scalar, srcRows, transposedDst } from './fresh-block'
import {
  isPairHistoryFeature,
  PAIR_HISTORY_FEATURES,
  type PairHistoryFeature,
} from './pair-history'

export interface TensorSpec {
  name: string
  dtype: string
  shape: (string | number)[]
}

export interface GraphSpec {
  file: string
  sha256: string
  inputs: TensorSpec[]
  outputs: TensorSpec[]
}

/** Where the model was trained, validated and is to be tested (docs/model-contract.md). Weeks are
 * YYYY-MM-DD; `until` and `validation_until` are exclusive bounds on targets t + h. */
export interface TrainingWindow {
  from: string
  until: string
  validation_until: string
  /** The last week the model saw, targets included: a backtest never evaluates a week ≤ it. */
  last_week_used: string
  /** Added with the archive-derived split; models trained before lack them. */
  validation_from?: string
  test_from?: string
  split?: string
}

export interface ModelManifest {
  name: string
  format: string
  horizon: number
  feature_schema: number
  base_features: string[]
  categories: string[]
  pair_history: PairHistoryFeature[]
  hidden: number
  opset: number
  graphs: { encoder: GraphSpec; pair_head: GraphSpec; fresh_head?: GraphSpec }
  calibrator: { kind: 'platt'; a: number; b: number }
  /** The fresh-pair head (optional): serves the pairs with no edge in either direction up to t. */
  fresh_head?: { rank: number; pairs: string; calibrator: { kind: 'platt'; a: number; b: number } }
  training_window: TrainingWindow
  /** What the model was trained on (optional; provenance.ts warns from it). */
  training_data?: { archive: string; sources: string[]; synthetic: boolean; max_nodes: number }
  metrics: Record<string, number>
}

export interface ProviderAttempt {
  provider: string
  error: string
}

export interface Encoded {
  n: number
  h: ort.Tensor
  nodeChange: Float32Array
  /** The fresh head's per-node vectors (row-major [N × width]; logit(u, v) = src_u · dst_v,
   * calibrated), when the model has one. */
  fresh: { src: Float32Array; dst: Float32Array; width: number; dstT: ort.Tensor } | null
  /** A logit shift added after the pair head's Platt calibration (recalibration on the archive's
   * own past, stages/recalibrate.ts); absent or 0: the model as trained. */
  pairShift?: number
}

/**
 * Why a provider cannot run here, found without trying it, or null. WebGPU on Linux runs on
 * Vulkan: without the Vulkan loader, Dawn prints a warning to stderr on every attempt (native
 * code, not ours to silence), so we skip the attempt and report the reason instead.
 */
export function providerUnavailable(
  provider: string,
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = existsSync,
): string | null {
  if (provider !== 'webgpu' || platform !== 'linux') return null
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ]
  return dirs.some((d) => exists(join(d, 'libvulkan.so.1')))
    ? null
    : 'no Vulkan loader (libvulkan.so.1), which WebGPU needs on Linux (apt-get install libvulkan1)'
}

/** Providers to try, best first, on this platform. */
export function providerOrder(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') return ['dml', 'webgpu', 'cpu']
  if (platform === 'darwin') return ['coreml', 'webgpu', 'cpu']
  return ['cuda', 'webgpu', 'cpu']
}

// Failures of unavailable providers are caught and reported in `fallbacks`; ORT's own log of
// them would only repeat that on stderr.
ort.env.logLevel = 'fatal'

/** Pairs per pair-head run. Large, because the head applies its first layer to all N node
 * embeddings once per run: on an 11k-node week the shipped head scores 2.0 M pairs/s at 131,072
 * pairs per run against 1.1 M/s at 8,192 (measured 2026-11-30; bench/forecast.mjs). */
export const PAIR_BATCH = 131_072

export class ForecastModel {
  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
    readonly provider: string,
    readonly fallbacks: ProviderAttempt[],
    private readonly encoder: ort.InferenceSession,
    private readonly head: ort.InferenceSession,
    private readonly freshHead: ort.InferenceSession | null,
    private readonly freshGraphs: {
      block: ort.InferenceSession
      scan: ort.InferenceSession
    } | null,
  ) {}

  /** Whether the model scores fresh pairs (no history in either direction) with its fresh head. */
  get hasFreshHead(): boolean {
    return this.freshHead !== null
  }

  static async load(dir: string, opts: { provider?: string } = {}): Promise<ForecastModel> {
    const manifest = readManifest(dir)
    // Graphs are read and run from their real paths inside the folder (modelFile).
    const paths = {} as Record<keyof ModelManifest['graphs'], string>
    for (const [key, g] of Object.entries(manifest.graphs) as [
      keyof ModelManifest['graphs'],
      GraphSpec,
    ][]) {
      paths[key] = modelFile(dir, g.file, `graphs.${key}.file`)
      const bytes = readModelFile(dir, g.file, paths[key])
      const sha = createHash('sha256').update(bytes).digest('hex')
      if (sha !== g.sha256)
        throw new DexposureError(
          'MODEL',
          `model ${dir}: ${g.file} has sha256 ${sha.slice(0, 12)}…, the manifest says ${g.sha256.slice(0, 12)}… (the file was changed or damaged)`,
          { file: join(dir, g.file) },
        )
    }
    const order = opts.provider ? [opts.provider] : providerOrder()
    const fallbacks: ProviderAttempt[] = []
    for (const provider of order) {
      const missing = opts.provider ? null : providerUnavailable(provider)
      if (missing) {
        fallbacks.push({ provider, error: missing })
        continue
      }
      try {
        const options: ort.InferenceSession.SessionOptions = {
          executionProviders: [provider],
          intraOpNumThreads: 0,
          graphOptimizationLevel: 'all',
          // ORT logs its own failure of an unavailable provider; we report it in `fallbacks`.
          logSeverityLevel: provider === 'cpu' ? 2 : 4,
        }
        const encoder = await ort.InferenceSession.create(paths.encoder, options)
        const head = await ort.InferenceSession.create(paths.pair_head, options)
        const freshSpec = manifest.graphs.fresh_head
        const fresh = freshSpec
          ? await ort.InferenceSession.create(paths.fresh_head, options)
          : null
        checkSession(dir, 'encoder', encoder, manifest.graphs.encoder)
        checkSession(dir, 'pair_head', head, manifest.graphs.pair_head)
        if (fresh && freshSpec) checkSession(dir, 'fresh_head', fresh, freshSpec)
        const graphs = fresh ? await freshSessions(options) : null
        return new ForecastModel(dir, manifest, provider, fallbacks, encoder, head, fresh, graphs)
      } catch (e) {
        if (e instanceof DexposureError) throw e
        const error = (e as Error).message.split('\n')[0]
        if (opts.provider)
          throw new DexposureError(
            'MODEL',
            `model ${dir}: execution provider "${provider}" is not available here: ${error}`,
            {
              field: '--provider',
            },
          )
        fallbacks.push({ provider, error })
      }
    }
    throw new DexposureError(
      'MODEL',
      `model ${dir}: no execution provider could run it (${fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ')})`,
    )
  }

  /** Node inputs: base features + category one-hot over the model's category list. */
  nodeInputs(frame: WeekFrame): Float32Array {
    const cats = this.manifest.categories
    const index = new Map(cats.map((c, i) => [c, i]))
    const unknown = cats.length - 1
    const width = FEATURE_COUNT + cats.length
    const n = frame.nodeIds.length
    const x = new Float32Array(n * width)
    for (let i = 0; i < n; i++) {
      x.set(frame.features.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), i * width)
      x[i * width + FEATURE_COUNT + (index.get(frame.categories[i]) ?? unknown)] = 1
    }
    return x
  }

  /** Runs the encoder once for a week. */
  encode(frame: WeekFrame): Promise<Encoded> {
    return this.runEncoder(
      this.nodeInputs(frame),
      frame.edgeSrc,
      frame.edgeDst,
      Float32Array.from(frame.edgeWeight),
    )
  }

  /** The encoder on raw inputs: x is row-major [N × (base features + categories)]. */
  async runEncoder(
    x: Float32Array,
    edgeSrc: Int32Array,
    edgeDst: Int32Array,
    edgeWeight: Float32Array,
  ): Promise<Encoded> {
    const width = FEATURE_COUNT + this.manifest.categories.length
    const n = x.length / width
    const e = edgeSrc.length
    const out = await this.encoder.run({
      features: new ort.Tensor('float32', x, [n, width]),
      edge_src: new ort.Tensor('int32', edgeSrc, [e]),
      edge_dst: new ort.Tensor('int32', edgeDst, [e]),
      edge_weight: new ort.Tensor('float32', edgeWeight, [e]),
    })
    let fresh: Encoded['fresh'] = null
    if (this.freshHead) {
      const v = await this.freshHead.run(
        { h: out.h, rows: new ort.Tensor('int32', new Int32Array(0), [0]) },
        ['src_vec', 'dst_vec'],
      )
      const [width, dst] = [v.src_vec.dims[1], v.dst_vec.data as Float32Array]
      fresh = {
        src: v.src_vec.data as Float32Array,
        dst,
        width,
        dstT: transposedDst(dst, n, width),
      }
    }
    return { n, h: out.h, nodeChange: out.node_change.data as Float32Array, fresh }
  }

  /**
   * Calibrated fresh-head probabilities of every pair rows[i] → v, row-major [B × N] (the diagonal
   * and pairs with history included: the caller skips them). One matrix product in ONNX Runtime
   * (fresh-block.ts) on the vectors encode computed, where the same in JS took seconds per 10⁸
   * pairs.
   */
  async freshBlock(enc: Encoded, rows: Int32Array): Promise<Float32Array> {
    const { graphs, fresh } = this.freshOf(enc)
    const out = await graphs.block.run({
      src_rows: srcRows(fresh.src, rows, fresh.width),
      dst_t: fresh.dstT,
    })
    return out.probability.data as Float32Array
  }

  /**
   * The same block reduced in ONNX Runtime (fresh-block.ts): each row's sum over all N columns
   * (diagonal and pairs with history included) and the cells with lo ≤ p < hi, as (row in the
   * block, column) pairs in keptIndex and their probabilities in keptProb.
   */
  async freshScan(
    enc: Encoded,
    rows: Int32Array,
    lo: number,
    hi: number,
  ): Promise<{ rowSum: Float32Array; keptIndex: Int32Array; keptProb: Float32Array }> {
    const { graphs, fresh } = this.freshOf(enc)
    const out = await graphs.scan.run({
      src_rows: srcRows(fresh.src, rows, fresh.width),
      dst_t: fresh.dstT,
      lo: scalar(lo),
      hi: scalar(hi),
    })
    return {
      rowSum: out.row_sum.data as Float32Array,
      keptIndex: out.kept_index.data as Int32Array,
      keptProb: out.kept_prob.data as Float32Array,
    }
  }

  private freshOf(enc: Encoded) {
    if (!this.freshGraphs || !enc.fresh) throw new Error(`model ${this.dir} has no fresh head`)
    return { graphs: this.freshGraphs, fresh: enc.fresh }
  }

  /**
   * Calibrated existence probabilities and predicted log1p weights for pairs of the encoded week.
   * `pairHist` is row-major [P × manifest.pair_history.length], built from time-t data only.
   */
  async scorePairs(
    enc: Encoded,
    src: Int32Array,
    dst: Int32Array,
    pairHist: Float32Array,
  ): Promise<{ prob: Float64Array; logit: Float32Array; logWeight: Float64Array }> {
    const k = this.manifest.pair_history.length
    // The weight head predicts a residual on today's log weight (0 when absent at t).
    const base = this.manifest.pair_history.indexOf('log_weight_at_t')
    const p = src.length
    const prob = new Float64Array(p)
    const logit = new Float32Array(p)
    const logWeight = new Float64Array(p)
    const { a } = this.manifest.calibrator
    const b = this.manifest.calibrator.b + (enc.pairShift ?? 0)
    for (let start = 0; start < p; start += PAIR_BATCH) {
      const end = Math.min(p, start + PAIR_BATCH)
      const out = await this.runHead(enc, src, dst, pairHist, start, end)
      const lg = out.logit.data as Float32Array
      const res = out.weight_residual.data as Float32Array
      for (let i = start; i < end; i++) {
        const z = lg[i - start]
        logit[i] = z
        prob[i] = 1 / (1 + Math.exp(-(a * z + b)))
        logWeight[i] = Math.max(0, (base < 0 ? 0 : pairHist[i * k + base]) + res[i - start])
      }
    }
    return { prob, logit, logWeight }
  }

  /**
   * Calibrated existence probabilities only (fetches just `logit`). A forecast scores every
   * candidate this way and asks `scorePairs` for the weights of the pairs it stores, so it keeps no
   * weight for the millions of pairs it only sums. (ONNX Runtime 1.30 was measured no faster for
   * fetching one output than both: the saving is memory, not time.)
   */
  async existence(
    enc: Encoded,
    src: Int32Array,
    dst: Int32Array,
    pairHist: Float32Array,
  ): Promise<Float64Array> {
    const prob = new Float64Array(src.length)
    const { a } = this.manifest.calibrator
    const b = this.manifest.calibrator.b + (enc.pairShift ?? 0)
    for (let start = 0; start < src.length; start += PAIR_BATCH) {
      const end = Math.min(src.length, start + PAIR_BATCH)
      const out = await this.runHead(enc, src, dst, pairHist, start, end, ['logit'])
      const lg = out.logit.data as Float32Array
      for (let i = start; i < end; i++) prob[i] = 1 / (1 + Math.exp(-(a * lg[i - start] + b)))
    }
    return prob
  }

  /** One pair-head run on pairs [start, end). */
  private runHead(
    enc: Encoded,
    src: Int32Array,
    dst: Int32Array,
    pairHist: Float32Array,
    start: number,
    end: number,
    fetches?: string[],
  ): Promise<ort.InferenceSession.ReturnType> {
    const k = this.manifest.pair_history.length
    const feeds = {
      h: enc.h,
      src: new ort.Tensor('int32', src.subarray(start, end), [end - start]),
      dst: new ort.Tensor('int32', dst.subarray(start, end), [end - start]),
      pair_hist: new ort.Tensor('float32', pairHist.subarray(start * k, end * k), [end - start, k]),
    }
    return fetches ? this.head.run(feeds, fetches) : this.head.run(feeds)
  }

  async release(): Promise<void> {
    await this.encoder.release()
    await this.head.release()
    await this.freshHead?.release()
    await this.freshGraphs?.block.release()
    await this.freshGraphs?.scan.release()
  }
}

function readModelFile(dir: string, file: string, path = join(dir, file)): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new DexposureError(
      'MODEL',
      `model ${dir}: cannot read ${file}: ${(e as Error).message}`,
      { file: join(dir, file) },
    )
  }
}

/**
 * The real path of a file the manifest names, refused unless it lies inside the model folder: no
 * absolute paths, no `..`, no symbolic link that leads out (a manifest is data from anywhere and
 * must not make the engine read, or hand ONNX Runtime, a file elsewhere on the machine).
 */
export function modelFile(dir: string, file: string, field: string): string {
  const fail = (why: string) =>
    new DexposureError(
      'MODEL',
      `model ${dir}: ${field} ${JSON.stringify(file.length > 80 ? file.slice(0, 80) + '…' : file)} ${why}; the files of a model must be inside its folder`,
      { file: join(dir, 'model.json'), field },
    )
  if (isAbsolute(file) || /^[A-Za-z]:|^[\\/]/.test(file)) throw fail('is an absolute path')
  if (file.split(/[\\/]/).includes('..')) throw fail('leads out of the folder (..)')
  const root = resolve(dir)
  const path = resolve(root, file)
  if (!path.startsWith(root + sep)) throw fail('is not inside the folder')
  let real: string
  try {
    real = realpathSync(path)
  } catch {
    return path // missing: reading it says so
  }
  const realRoot = realpathSync(root)
  if (!real.startsWith(realRoot + sep))
    throw fail('is a symbolic link that leads out of the folder')
  return real
}

// The manifest's shape (docs/model-contract.md). Fields with a meaning beyond their type (format,
// feature schema, pair history, categories, calibrator, horizon, training data) are typed loosely
// here and judged below with messages that say what is expected.
const tensorSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int32', 'int64']),
  shape: z.array(z.union([z.string().min(1), z.number().int().nonnegative()])),
})
const graphSchema = z.object({
  file: z.string().min(1, { error: 'must not be empty' }),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hexadecimal digits' }),
  inputs: z.array(tensorSchema).min(1, { error: 'must list at least one input' }),
  outputs: z.array(tensorSchema).min(1, { error: 'must list at least one output' }),
})
const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' })
const date = z
  .string()
  .refine((v) => !Number.isNaN(dateToMs(v)), { error: 'must be a date YYYY-MM-DD' })
const manifestSchema = z.object({
  name: z.string().min(1),
  format: z.string(),
  horizon: z.number(),
  feature_schema: z.number(),
  base_features: z.array(z.string()),
  categories: z.array(z.string()),
  pair_history: z.array(z.string()),
  hidden: z.number().int().positive().optional(),
  opset: z.number().int().positive().optional(),
  graphs: z.object({
    encoder: graphSchema,
    pair_head: graphSchema,
    fresh_head: graphSchema.optional(),
  }),
  calibrator: z.object({ kind: z.string(), a: z.number(), b: z.number() }),
  fresh_head: z
    .object({
      rank: z.number().int().positive(),
      pairs: z.string(),
      calibrator: z.object({ kind: z.literal('platt'), a: finite, b: finite }),
    })
    .optional(),
  training_window: z.object({
    from: z.string(),
    until: z.string(),
    validation_until: z.string(),
    last_week_used: z.string(),
    // written by trainers since the archive-derived split (older models lack them)
    validation_from: date.optional(),
    test_from: date.optional(),
    split: z.string().optional(),
  }),
  training_data: z.unknown().optional(),
  metrics: z.record(z.string(), z.union([z.number(), z.null()])).optional(),
})

/** Plain words for what a JSON value is, for "must be X (found Y)". */
function found(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`
  return `${typeof v} ${String(v)}`
}

const EXPECTED: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
}

/** The first schema problem as "field: what is wrong". */
function manifestProblem(m: unknown): { field: string; message: string } | null {
  const r = manifestSchema.safeParse(m)
  if (r.success) return null
  const issue = r.error.issues[0]
  const path = issue.path.map(String)
  const field = path.join('.') || '(manifest)'
  let value: unknown = m
  for (const k of path) value = (value as Record<string, unknown> | undefined)?.[k]
  if (issue.code === 'invalid_type') {
    const want = EXPECTED[issue.expected] ?? issue.expected
    return {
      field,
      message:
        value === undefined
          ? `${field} is missing`
          : `${field} must be ${want} (found ${found(value)})`,
    }
  }
  if (issue.code === 'invalid_value' || issue.code === 'too_small' || issue.code === 'too_big')
    return {
      field,
      message: issue.message.startsWith('must')
        ? `${field} ${issue.message}`
        : `${field}: ${issue.message} (found ${found(value)})`,
    }
  return {
    field,
    message: issue.message.startsWith('must')
      ? `${field} ${issue.message}`
      : `${field}: ${issue.message}`,
  }
}

export function readManifest(dir: string): ModelManifest {
  const file = join(dir, 'model.json')
  // A folder that is not there (or holds no manifest) is a model not found, not a bad model.
  const kind = statSync(dir, { throwIfNoEntry: false })
  if (!kind)
    throw new DexposureError('NOT_FOUND', `model folder ${dir} does not exist`, {
      file: dir,
      field: '--model',
    })
  if (!kind.isDirectory())
    throw new DexposureError('NOT_FOUND', `${dir} is not a model folder (it is a file)`, {
      file: dir,
      field: '--model',
    })
  if (!existsSync(file))
    throw new DexposureError(
      'NOT_FOUND',
      `${dir} holds no model.json, so it is not a model folder (docs/model-contract.md)`,
      { file: dir, field: '--model' },
    )
  let m: ModelManifest
  try {
    m = JSON.parse(readModelFile(dir, 'model.json').toString('utf8')) as ModelManifest
  } catch (e) {
    if (e instanceof DexposureError) throw e
    throw new DexposureError('MODEL', `model ${dir}: model.json is not valid JSON`, { file })
  }
  const fail = (msg: string, field: string) =>
    new DexposureError('MODEL', `model ${dir}: ${msg}`, { file, field })
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    throw fail(`model.json must hold an object (found ${found(m)})`, '(manifest)')
  if (m.format !== 'dexposure-model/1')
    throw fail(`unknown format ${JSON.stringify(m.format)} (expected dexposure-model/1)`, 'format')
  const problem = manifestProblem(m)
  if (problem) throw fail(problem.message, problem.field)
  for (const [key, g] of Object.entries(m.graphs)) modelFile(dir, g.file, `graphs.${key}.file`)
  if (m.feature_schema !== FEATURE_SCHEMA_VERSION)
    throw fail(
      `feature schema ${m.feature_schema} does not match this archive's schema ${FEATURE_SCHEMA_VERSION}`,
      'feature_schema',
    )
  if (JSON.stringify(m.base_features) !== JSON.stringify(FEATURE_NAMES))
    throw fail(
      `base features ${JSON.stringify(m.base_features)} differ from ${JSON.stringify(FEATURE_NAMES)}`,
      'base_features',
    )
  const unknown = Array.isArray(m.pair_history)
    ? m.pair_history.filter((f) => !isPairHistoryFeature(f))
    : []
  if (
    !Array.isArray(m.pair_history) ||
    m.pair_history.length === 0 ||
    unknown.length > 0 ||
    new Set(m.pair_history).size !== m.pair_history.length
  )
    throw fail(
      `pair-history features ${JSON.stringify(m.pair_history)}: ${unknown.length > 0 ? `unknown ${JSON.stringify(unknown)}; ` : ''}expected a non-empty list without repeats of ${JSON.stringify(PAIR_HISTORY_FEATURES)}`,
      'pair_history',
    )
  const histInput = m.graphs?.pair_head?.inputs?.find((t) => t.name === 'pair_hist')
  if (histInput && histInput.shape[1] !== m.pair_history.length)
    throw fail(
      `pair_head input pair_hist is declared ${JSON.stringify(histInput.shape)} but pair_history names ${m.pair_history.length} features`,
      'graphs.pair_head.inputs',
    )
  const fresh = m.graphs?.fresh_head
  if (fresh) {
    const want = ['src_vec', 'dst_vec', 'probability']
    const outs = (fresh.outputs ?? []).map((t) => t.name)
    const src = fresh.outputs?.find((t) => t.name === 'src_vec')?.shape[1]
    const dst = fresh.outputs?.find((t) => t.name === 'dst_vec')?.shape[1]
    if (JSON.stringify(outs) !== JSON.stringify(want) || typeof src !== 'number' || src !== dst)
      throw fail(
        `fresh_head must output ${JSON.stringify(want)} with src_vec and dst_vec of one fixed width (declared ${JSON.stringify(outs)}, widths ${src} and ${dst})`,
        'graphs.fresh_head.outputs',
      )
  }
  if (!Array.isArray(m.categories) || m.categories.at(-1) !== 'Unknown')
    throw fail('the category list must be an array ending with "Unknown"', 'categories')
  if (
    m.calibrator?.kind !== 'platt' ||
    !Number.isFinite(m.calibrator.a) ||
    !Number.isFinite(m.calibrator.b)
  )
    throw fail('the calibrator must be {"kind": "platt", "a": number, "b": number}', 'calibrator')
  if (!Number.isInteger(m.horizon) || m.horizon < 1)
    throw fail('horizon must be a positive integer', 'horizon')
  const data = m.training_data
  if (
    data !== undefined &&
    (typeof data?.archive !== 'string' ||
      !Array.isArray(data.sources) ||
      !data.sources.every((s) => typeof s === 'string') ||
      typeof data.synthetic !== 'boolean' ||
      !Number.isInteger(data.max_nodes) ||
      data.max_nodes < 1)
  )
    throw fail(
      'training_data must be {"archive": string, "sources": [string], "synthetic": boolean, "max_nodes": positive integer}',
      'training_data',
    )
  return m
}

const ORT_TYPE: Record<string, string> = { float32: 'float32', int32: 'int32', int64: 'int64' }

function checkSession(dir: string, which: string, s: ort.InferenceSession, spec: GraphSpec): void {
  const names = (xs: readonly string[]) => JSON.stringify([...xs])
  const want = (ts: TensorSpec[]) => JSON.stringify(ts.map((t) => t.name))
  if (names(s.inputNames) !== want(spec.inputs))
    throw new DexposureError(
      'MODEL',
      `model ${dir}: ${which} inputs are ${names(s.inputNames)}, the manifest says ${want(spec.inputs)}`,
      {
        file: join(dir, spec.file),
      },
    )
  if (names(s.outputNames) !== want(spec.outputs))
    throw new DexposureError(
      'MODEL',
      `model ${dir}: ${which} outputs are ${names(s.outputNames)}, the manifest says ${want(spec.outputs)}`,
      {
        file: join(dir, spec.file),
      },
    )
  for (const meta of s.inputMetadata) {
    const declared = spec.inputs.find((t) => t.name === meta.name)!
    if (meta.isTensor && ORT_TYPE[declared.dtype] !== meta.type)
      throw new DexposureError(
        'MODEL',
        `model ${dir}: ${which} input ${meta.name} is ${meta.type}, the manifest says ${declared.dtype}`,
        { file: join(dir, spec.file) },
      )
    if (meta.isTensor && meta.shape.length !== declared.shape.length)
      throw new DexposureError(
        'MODEL',
        `model ${dir}: ${which} input ${meta.name} has rank ${meta.shape.length}, the manifest says ${declared.shape.length}`,
        { file: join(dir, spec.file) },
      )
    const fixed = meta.isTensor
      ? meta.shape.findIndex(
          (d, i) =>
            typeof d === 'number' &&
            typeof declared.shape[i] === 'number' &&
            d !== declared.shape[i],
        )
      : -1
    if (meta.isTensor && fixed >= 0)
      throw new DexposureError(
        'MODEL',
        `model ${dir}: ${which} input ${meta.name} has shape ${JSON.stringify(meta.shape)}, the manifest says ${JSON.stringify(declared.shape)}`,
        { file: join(dir, spec.file) },
      )
  }
}

/**
 * The model used when none is named: one trained on this archive by `dexposure train` (its default
 * output, models/h{h} beside the archive file) before the shipped one. Every result names the
 * model directory that ran, so the choice is never silent.
 */
export function modelDirFor(horizon: number, archiveFile: string): string | null {
  const local = join(dirname(archiveFile), 'models', `h${horizon}`)
  return existsSync(join(local, 'model.json')) ? local : defaultModelDir(horizon)
}

/**
 * The shipped model for a horizon (resources/models/h{h}), found by walking up from this module
 * so it resolves from the sources, the out/node bundle and a packaged app; null when there is none.
 */
export function defaultModelDir(
  horizon: number,
  from = dirname(fileURLToPath(import.meta.url)),
): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'models', `h${horizon}`)
    if (existsSync(join(candidate, 'model.json'))) return candidate
    if (dirname(dir) === dir) return null
  }
}
