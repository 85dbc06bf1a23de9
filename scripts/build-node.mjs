// Bundles the Node-side entry points (CLI, loopback server, engine workers) into out/node/ with
// esbuild. Dependencies stay external (native modules cannot be bundled). Runs on `npm ci`
// through the prepare script, so `npx dexposure` works right after install.
import { build } from 'esbuild'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'

const outdir = 'out/node'
const entries = {
  server: 'src/server/main.ts',
  'forecast-worker': 'src/engine/forecast/worker.ts',
  'engine-host': 'src/main/engine-host.ts',
  // Parses DeXposure weeks in worker threads during an import (src/engine/import/dexposure-pool.ts
  // finds it next to the running bundle).
  'dexposure-worker': 'src/engine/import/dexposure-worker.ts',
  // The query console's process: a child process (or worker thread) with read-only connections,
  // stopped at a query's time limit (src/engine/query/host.ts finds it next to the running bundle).
  'query-worker': 'src/engine/query/worker.ts',
}
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(f)))

const common = {
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __dxCreateRequire } from 'node:module'; const require = __dxCreateRequire(import.meta.url);",
  },
}

await build({ ...common, entryPoints })

// The CLI is split: each command is a chunk loaded when it runs (src/cli/index.ts), so a start
// loads only what that command needs. Chunks sit beside cli.js, so paths relative to the bundle
// (the import worker, ../renderer, resources/) resolve as from cli.js.
const cli = await build({
  ...common,
  entryPoints: { cli: 'src/cli/index.ts' },
  splitting: true,
  chunkNames: 'cli-chunk-[hash]',
  metafile: true,
})
// Drop the chunks of earlier builds (their hashes differ), so out/node does not grow each build.
const fresh = new Set(Object.keys(cli.metafile.outputs).map((f) => basename(f)))
for (const f of readdirSync(outdir)) {
  if (f.startsWith('cli-chunk-') && !fresh.has(f)) rmSync(join(outdir, f), { force: true })
}
console.error(`build-node: cli, ${Object.keys(entryPoints).join(', ')} → ${outdir}/`)
