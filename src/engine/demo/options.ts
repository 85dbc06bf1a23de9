// Options shared by every demo entry point, their validation and the identity of one demo archive.
import { createHash } from 'node:crypto'
import { DexposureError } from '../../shared/errors'
import { DEMO_GENERATOR_VERSION, SCALES, type DemoScale } from './params'

export interface DemoOptions {
  scale: DemoScale
  seed: number
}

/** Validates options; bad ones are a USAGE error naming the field. */
export function checkDemoOptions(opts: DemoOptions): void {
  if (!Object.hasOwn(SCALES, opts.scale))
    throw new DexposureError('USAGE', `scale must be small or real, not "${String(opts.scale)}"`, {
      field: 'scale',
    })
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0)
    throw new DexposureError('USAGE', 'seed must be a non-negative safe integer', { field: 'seed' })
}

/** The source name an import of the demo records, e.g. `demo:small:seed=42`. */
export const demoSource = (o: DemoOptions) => `demo:${o.scale}:seed=${o.seed}`

/** What identifies one demo archive: generator version, scale and seed. */
export function demoSha256(o: DemoOptions): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        generator: 'dexposure-demo',
        version: DEMO_GENERATOR_VERSION,
        scale: o.scale,
        seed: o.seed,
      }),
    )
    .digest('hex')
}
