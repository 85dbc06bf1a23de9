// The fuses a packaged app gets (scripts/flip-fuses.mjs), flipped by the real @electron/fuses on a
// file laid out as an Electron binary lays out its fuse wire (sentinel, version, length, one byte
// per fuse): the Electron binary itself cannot be downloaded on the development machines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FuseV1Options } from '@electron/fuses'
import { afterAll, describe, expect, it } from 'vitest'
import { FUSES, flipAppFuses } from '../../scripts/flip-fuses.mjs'

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const dir = mkdtempSync(join(tmpdir(), 'dx-fuses-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A fake binary: filler, the sentinel, wire version 1, `fuses` fuse bytes (Electron's defaults). */
function fakeBinary(name: string, fuses: string): string {
  const file = join(dir, name)
  const filler = Buffer.alloc(64 * 1024, 0x90)
  const wire = Buffer.concat([
    Buffer.from(SENTINEL),
    Buffer.from([1, fuses.length]),
    Buffer.from(fuses),
  ])
  writeFileSync(file, Buffer.concat([filler, wire, filler]))
  return file
}

describe('fuses of a packaged app', () => {
  it('turns off run-as-Node, NODE_OPTIONS and inspect flags, and loads only the checked asar', async () => {
    // Electron 45's defaults: RunAsNode, cookie encryption off, NODE_OPTIONS and inspect on …
    const file = fakeBinary('electron', '101100001')
    const wire = await flipAppFuses(file)
    const on = (o: FuseV1Options): boolean => wire[o] === 0x31
    expect(on(FuseV1Options.RunAsNode)).toBe(false)
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false)
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false)
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true)
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true)
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true)
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(false)
    // only the wire changed: the bytes around it are as they were
    const bytes = readFileSync(file)
    expect(bytes.length).toBe(2 * 64 * 1024 + SENTINEL.length + 2 + 9)
    expect(bytes.subarray(0, 64 * 1024).every((b) => b === 0x90)).toBe(true)
  })

  it('decides every fuse this @electron/fuses knows', () => {
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number')
    for (const o of known)
      expect(typeof FUSES[o as FuseV1Options], FuseV1Options[o]).toBe('boolean')
    expect(FUSES.strictlyRequireAllFuses).toBe(true)
  })

  it('refuses a binary whose wire has a fuse the config does not decide', async () => {
    await expect(flipAppFuses(fakeBinary('newer', '1011000011'))).rejects.toThrow(
      /not long enough|strictlyRequireAllFuses/,
    )
  })

  it('refuses a file that is not an Electron binary', async () => {
    const file = join(dir, 'not-electron')
    writeFileSync(file, 'hello')
    await expect(flipAppFuses(file)).rejects.toThrow(/sentinel/)
  })
})
