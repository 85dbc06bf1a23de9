// Bundles the Node-side entry points (CLI, loopback server, engine workers) into out/node/ with
// esbuild. Dependencies stay external (native modules cannot be bundled). Runs on `npm ci`
// through the prepare script, so `npx dexposure` works right after install.
import { build } from 'esbuild'
import { existsSync } from 'node:fs'

const entries = {
  cli: 'src/cli/index.ts',
  server: 'src/server/main.ts',
  'forecast-worker': 'src/engine/forecast/worker.ts',
  'engine-host': 'src/main/engine-host.ts',
  // Parses DeXposure weeks in worker threads during an import (src/engine/import/dexposure-pool.ts
  // finds it next to the running bundle).
  'dexposure-worker': 'src/engine/import/dexposure-worker.ts',
}
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(f)))

await build({
  entryPoints,
  outdir: 'out/node',
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
})
console.error(`build-node: ${Object.keys(entryPoints).join(', ')} → out/node/`)
