// Runs the CLI bundle at $DX_CLI (a built cli.js, e.g. an older build kept for a before/after
// comparison) with this process's arguments, as bin/dexposure.js runs out/node/cli.js.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const cli = process.env.DX_CLI
if (!cli) throw new Error('set DX_CLI to the cli.js bundle to run')
const { main, exitAfterFlush } = await import(pathToFileURL(resolve(cli)).href)
exitAfterFlush(await main(process.argv))
