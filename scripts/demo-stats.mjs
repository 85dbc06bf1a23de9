// Measures the demo generator beside the real DeXposure aggregates and prints the markdown tables of
// docs/demo-data.md. Usage: node scripts/demo-stats.mjs [--scale small|real|both] [--seed N]
// The real aggregates are read from ../shared/data/real/dexposure (or $DEXPOSURE_REAL_DIR) when present.
import { build } from 'esbuild'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { scale: { type: 'string', default: 'both' }, seed: { type: 'string', default: '42' } },
})
const scales = values.scale === 'both' ? ['small', 'real'] : [values.scale]
const root = resolve(import.meta.dirname, '..')
// Bundled under out/ (git-ignored) so the bundle resolves node_modules like the rest of the build.
const outfile = join(root, 'out', 'scripts', 'demo-stats-report.mjs')
{
  await build({
    entryPoints: [join(root, 'scripts/demo-stats-report.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
  })
  const { demoStatsReport } = await import(pathToFileURL(outfile).href)
  const realDir =
    process.env.DEXPOSURE_REAL_DIR ?? resolve(root, '..', 'shared', 'data', 'real', 'dexposure')
  console.log(demoStatsReport({ scales, seed: Number(values.seed), realDir }))
}
