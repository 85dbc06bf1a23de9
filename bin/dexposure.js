#!/usr/bin/env node
// Entry point of the `dexposure` command: runs the bundled CLI (built by `npm run build:node`,
// which `npm ci` runs through the prepare script). bin/dexposure starts it on the project's Node
// without npm's launcher; `npx dexposure` runs it through npm.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(
    `dexposure: Node ${process.versions.node} is too old; use Node ≥ 22 (the project installs one: run bin/dexposure, or through npx or npm scripts)\n`,
  )
  process.exit(1)
}
const cli = fileURLToPath(new URL('../out/node/cli.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write('dexposure: the CLI is not built yet; run `npm run build:node` first\n')
  process.exit(1)
}
const { main, exitAfterFlush } = await import(pathToFileURL(cli).href)
exitAfterFlush(await main(process.argv))
