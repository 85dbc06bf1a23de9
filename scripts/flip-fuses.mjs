// Flips the Electron fuses of a packaged DeXposure Workbench (docs/architecture.md, "Fuses"):
//   node scripts/flip-fuses.mjs PATH_TO_ELECTRON_BINARY   (Linux/Windows binary, or the .app on macOS)
// Run it on the packaged app's binary before signing. Without these a shipped app could be run as
// plain Node (ELECTRON_RUN_AS_NODE), take code from NODE_OPTIONS or an inspector flag, or load a
// modified app folder instead of its asar. Every fuse the installed @electron/fuses knows is set
// explicitly (strictlyRequireAllFuses), so an Electron with a new fuse fails here until it is decided.
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses'

/** The fuses of a packaged app: each one decided, with why. */
export const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // no `ELECTRON_RUN_AS_NODE`: the binary is the app, never a Node interpreter (the engine host
  // is a utility process, which does not need this fuse)
  [FuseV1Options.RunAsNode]: false,
  // cookies and local storage encrypted at rest with the OS keychain
  [FuseV1Options.EnableCookieEncryption]: true,
  // no code injected through NODE_OPTIONS or --inspect flags
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // the app code comes from its own, integrity-checked asar only
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // one V8 snapshot for all processes (no per-process snapshot to tamper with)
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // file:// pages get no more than a web page: the renderer loads from the asar, not from disk
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default: WebAssembly bounds checks through trap handlers (faster, same safety)
  [FuseV1Options.WasmTrapHandlers]: true,
}

/** Flips the fuses on `binary`, then reads them back and fails if any is not as configured. */
export async function flipAppFuses(binary) {
  await flipFuses(binary, FUSES)
  const wire = await getCurrentFuseWire(binary)
  const wrong = []
  for (const [key, want] of Object.entries(FUSES)) {
    const index = Number(key)
    if (!Number.isInteger(index)) continue
    const got = wire[index]
    if (got !== (want ? 0x31 : 0x30)) wrong.push(FuseV1Options[index])
  }
  if (wrong.length) throw new Error(`${binary}: fuses not set after flipping: ${wrong.join(', ')}`)
  return wire
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const binary = process.argv[2]
  if (!binary) {
    process.stderr.write('usage: node scripts/flip-fuses.mjs PATH_TO_ELECTRON_BINARY\n')
    process.exit(2)
  }
  try {
    await flipAppFuses(binary)
    process.stdout.write(`fuses flipped and verified on ${binary}\n`)
  } catch (e) {
    process.stderr.write(`flip-fuses: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  }
}
