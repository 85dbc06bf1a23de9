// The demo archive: a deterministic (by seed) SYNTHETIC weekly exposure network built on the real
// DeXposure metadata and calibrated to the real aggregates (docs/demo-data.md). Three ways out:
// generateDemo (lazy weeks), fillArchiveWithDemo (one import into an archive) and writeDemoJson (the
// DeXposure JSON format, streamed to disk).
import type { ImportReport, ProtocolInfo, TokenIssuer, WeekInput } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { normalizeWeek } from '../import/normalize'
import type { Archive } from '../store/archive'
import { weeksChanged } from '../store/hooks'
import { WEEK_COUNT } from './calibration'
import { demoWeekIds } from './curves'
import { simulate, type RawWeek } from './generator'
import { checkDemoOptions, demoSha256, demoSource, type DemoOptions } from './options'
import { DEMO_GENERATOR_VERSION } from './params'
import { loadRealMetadata, protocolRows, tokenIssuerRows } from './real-metadata'

export { DEMO_GENERATOR_VERSION, type DemoScale } from './params'
export type { RawWeek } from './generator'
export { writeDemoJson, type WriteDemoJsonOptions } from './json-writer'
export { checkDemoOptions, demoSha256, demoSource, type DemoOptions } from './options'

export interface DemoData {
  /** Real protocol metadata (meta_df.csv joined with id_to_info.json). */
  protocols: ProtocolInfo[]
  /** The real token → issuer map (token_to_protocol.json). */
  tokenIssuers: TokenIssuer[]
  /** Week ids, oldest first (every Monday 2020-03-23 … 2025-08-18). */
  weekIds: string[]
  /** The weeks as the archive stores them (the import policy applied), generated lazily. */
  weeks(): Iterable<WeekInput>
  /** The weeks as the DeXposure file holds them: with null-target and missing-endpoint links. */
  rawWeeks(): Iterable<RawWeek>
}

export function generateDemo(opts: DemoOptions): DemoData {
  checkDemoOptions(opts)
  const meta = loadRealMetadata()
  const source = demoSource(opts)
  const raw = () => simulate({ scale: opts.scale, seed: opts.seed }, meta)
  return {
    protocols: protocolRows(meta),
    tokenIssuers: tokenIssuerRows(meta),
    weekIds: demoWeekIds(),
    rawWeeks: raw,
    *weeks() {
      for (const w of raw()) yield normalizeWeek(w.week, w.nodes, w.links, { file: source }).input
    },
  }
}

export interface FillDemoOptions extends DemoOptions {
  onProgress?: (weeksDone: number, weeksTotal: number) => void
  signal?: AbortSignal
}

/**
 * Fills an archive with the demo in one import (all or nothing): protocols, token issuers and every
 * week, marked synthetic. The raw weeks go through the same import policy as a DeXposure file, so
 * the report's drop counts equal those of importing `writeDemoJson`'s output.
 */
export async function fillArchiveWithDemo(
  archive: Archive,
  opts: FillDemoOptions,
): Promise<ImportReport> {
  checkDemoOptions(opts)
  const demo = generateDemo(opts)
  const source = demoSource(opts)
  const cancelled = (week?: string) =>
    new DexposureError('CANCELLED', 'demo generation cancelled', { file: source, week })
  if (opts.signal?.aborted) throw cancelled()
  const report = await archive.runImport(
    {
      source,
      format: 'dexposure',
      sha256: demoSha256(opts),
      bytes: 0,
      synthetic: true,
      options: { scale: opts.scale, seed: opts.seed, generatorVersion: DEMO_GENERATOR_VERSION },
    },
    async (session) => {
      session.putProtocols(demo.protocols)
      session.putTokenIssuers(demo.tokenIssuers)
      let done = 0
      opts.onProgress?.(0, WEEK_COUNT)
      for (const w of demo.rawWeeks()) {
        if (opts.signal?.aborted) throw cancelled(w.week)
        const { input, counts } = normalizeWeek(w.week, w.nodes, w.links, { file: source })
        session.putWeek(input, counts)
        session.addCounts(counts)
        done++
        opts.onProgress?.(done, WEEK_COUNT)
        // Let progress output, signals and other callbacks run between weeks.
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
      if (opts.signal?.aborted) throw cancelled()
    },
  )
  return weeksChanged(archive, report)
}
