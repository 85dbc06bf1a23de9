// Vitest global setup: CLI tests run the real bundled CLI as a subprocess, so bundle it first
// (esbuild, well under a second).
import { execFileSync } from 'node:child_process'

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' })
}
