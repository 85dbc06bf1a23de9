// Options and progress shared by the importers and their entry point.
import type { ImportFormat } from '../../shared/domain'

export interface ImportProgress {
  /** Bytes of the input consumed so far (for a directory: of all its files). */
  bytesDone: number
  bytesTotal: number
  /** The week just written, when there is one. */
  week?: string
  weeksDone: number
}

export interface ImportOptions {
  /** Skip detection and read the input as this format. */
  format?: ImportFormat
  /** Overwrite archived weeks that hold different data (otherwise such a week is a CONFLICT). */
  replace?: boolean
  /**
   * Links to nodes missing from their week become errors instead of being dropped. Default false,
   * except for CSV edge lists, which are strict unless this is explicitly false.
   */
  strict?: boolean
  /** Mark written weeks as synthetic (demo data). */
  synthetic?: boolean
  /** What the import log and report name as the source instead of the path (an upload's name). */
  sourceName?: string
  onProgress?: (p: ImportProgress) => void
  /** Checked between weeks; an abort rolls the whole import back (DexposureError CANCELLED). */
  signal?: AbortSignal
  /**
   * DeXposure JSON: worker threads that parse weeks while this thread writes the archive. Default:
   * automatic (cores − 1, at most 2, for files over 64 MB, when the bundled worker exists); 0 parses
   * in this thread.
   */
  workers?: number
  /** DeXposure JSON: path or URL of the built worker (default: dexposure-worker.js next to the bundle). */
  workerScript?: string | URL
  /** DeXposure JSON read size in bytes (default 8 MiB); tests use small values to force chunk boundaries. */
  chunkSize?: number
  /**
   * DefiLlama: add the extra chainTvls sections (borrowed, staking, pool2, …) to node sizes and
   * compositions, as DeXposure's ingest does. Default false (DefiLlama's own TVL definition).
   */
  includeExtraSections?: boolean
}
