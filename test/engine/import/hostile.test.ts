// Hostile inputs (issue 14 §6.1, §6.5, §6.8), kept as files under test/fixtures/hostile/: each is
// refused with a BAD_INPUT that names the file, week, node or link index, field and offset (or
// line), and leaves the archive as it was; and the messages say what is wrong.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { FIXTURES, expectError, snapshot, tempArchive, type TempArchive } from './helpers'

const HOSTILE = join(__dirname, '../../fixtures/hostile')
const at = (name: string) => join(HOSTILE, name)
/** Byte offset of `text` in a fixture. */
const offsetOf = (name: string, text: string) => readFileSync(at(name)).indexOf(text)

let t: TempArchive
beforeEach(async () => {
  t = tempArchive()
  // Something in the archive, so "unchanged" means more than "still empty".
  await importFile(t.archive, join(FIXTURES, 'dexposure/small.json'))
})
afterEach(() => t.close())

/** The import fails as described and the archive is exactly as before. */
async function refused(
  file: string,
  message: RegExp,
  location: Record<string, unknown>,
  opts: Parameters<typeof importFile>[2] = {},
) {
  const before = snapshot(t.archive)
  const e = await expectError(importFile(t.archive, file, opts), message, { file, ...location })
  expect(snapshot(t.archive)).toEqual(before)
  return e
}

describe('length limits (512 for ids and keys, 1,024 for names)', () => {
  it('refuses a node id longer than 512 characters, without echoing it', async () => {
    const e = await refused(
      at('dexposure-long-node-id.json'),
      /^node 1: id is 5,000 characters long; at most 512 are allowed \(it starts "x{24}…"\)$/,
      {
        week: '2024-01-01',
        field: 'nodes[1].id',
        offset: offsetOf('dexposure-long-node-id.json', '"xxx'),
      },
    )
    expect(e.describe().length).toBeLessThan(300)
  })

  it('refuses a link endpoint longer than 512 characters', async () => {
    await refused(
      at('dexposure-long-link-target.json'),
      /^link 0: target is 600 characters long; at most 512/,
      { week: '2024-01-01', field: 'links[0].target' },
    )
  })

  it('refuses a composition key longer than 512 characters, naming the node', async () => {
    await refused(
      at('dexposure-long-composition-key.json'),
      /^node 1: a composition key \(token symbol\) is 700 characters long/,
      {
        week: '2024-01-01',
        field: 'nodes[1].composition',
        offset: offsetOf('dexposure-long-composition-key.json', '"TTT'),
      },
    )
  })

  it('refuses it too where "composition" is written with an escape (the slow path)', async () => {
    await refused(
      at('dexposure-long-composition-key-escaped.json'),
      /^node 1 \(id "b"\): a composition key \(token symbol\) is 700 characters long/,
      { week: '2024-01-01', field: 'nodes[1].composition' },
    )
  })

  it('refuses long CSV ids and names with file, line and column', async () => {
    await refused(at('csv-long-id'), /^id is 600 characters long; at most 512/, {
      file: at('csv-long-id/nodes.csv'),
      line: 3,
      field: 'id',
    })
    await refused(at('csv-long-name.nodes.csv'), /^name is 1,100 characters long; at most 1,024/, {
      line: 3,
      field: 'name',
    })
  })

  it('refuses long metadata: meta_df names, id_to_info ids, token symbols', async () => {
    await refused(at('meta_df-long-name.csv'), /^name is 1,100 characters long/, {
      line: 3,
      field: 'name',
    })
    const e = await refused(
      at('id_to_info-long-id.json'),
      /^a protocol id is 600 characters long/,
      {},
    )
    expect(e.location.field).toBe('')
    expect(e.describe()).not.toMatch(/field/)
    await refused(
      at('token_to_protocol-long-token.json'),
      /^group "PRIMARY": a token symbol is 600 characters long/,
      { field: 'PRIMARY' },
    )
  })

  it('refuses a long DefiLlama token symbol', async () => {
    await refused(at('defillama-long-token.json'), /^a token symbol is 600 characters long/, {
      field: 'tokensInUsd[0].tokens',
    })
  })

  it('accepts ids of exactly 512 characters', async () => {
    const file = join(t.dir, 'edge.json')
    const id = 'y'.repeat(512)
    writeFileSync(
      file,
      JSON.stringify({ data: { '2024-01-01': { nodes: [{ id, size: 1 }], links: [] } } }),
    )
    const r = await importFile(t.archive, file)
    expect(r.weeksInserted).toEqual(['2024-01-01'])
    expect(t.archive.loadWeek('2024-01-01').nodeIds).toEqual([id])
  })
})

describe('weeks outside 2000-01-03 … 2199-12-30', () => {
  it('refuses week 9999-12-27 and week 0050-01-03 with the range in the message', async () => {
    for (const [file, week] of [
      ['dexposure-week-9999.json', '9999-12-27'],
      ['dexposure-week-0050.json', '0050-01-03'],
    ])
      await refused(
        at(file),
        new RegExp(
          `^week key ${week} is outside the supported range \\(weeks run from 2000-01-03 to 2199-12-30\\)`,
        ),
        { week, field: 'data', offset: offsetOf(file, `"${week}"`) },
      )
  })

  it('refuses a DefiLlama point in year 9999', async () => {
    await refused(
      at('defillama-date-9999.json'),
      /^date 253402214400 \(9999-12-31\) is outside the supported range \(weeks run from 2000-01-03 to 2199-12-30\)$/,
      { field: 'tvl[1].date' },
    )
  })

  it('accepts the last supported week', async () => {
    const r = await importFile(t.archive, at('dexposure-last-week.json'))
    expect(r.weeksInserted).toEqual(['2199-12-30'])
  })
})

describe('messages (§6.8)', () => {
  it('names the field when a DefiLlama tvl is a string', async () => {
    const e = await refused(
      at('defillama-tvl-string.json'),
      /^tvl must be an array of \{date, totalLiquidityUSD\} .* or a number .*, found string$/,
      { field: 'tvl' },
    )
    expect(e.describe()).toMatch(/field tvl: /)
  })

  it('names the node or link index in composition errors', async () => {
    await refused(
      at('dexposure-composition-not-number.json'),
      /^node 2: composition value must be a number, found "5"$/,
      { week: '2024-01-01', field: 'nodes[2].composition.ETH' },
    )
    await refused(
      at('dexposure-link-composition-null-value.json'),
      /^link 0: composition value must be a number, found null$/,
      { week: '2024-01-01', field: 'links[0].composition.ETH' },
    )
  })

  it('says a week has no "links" key instead of "found undefined"', async () => {
    const e = await refused(
      at('dexposure-links-missing.json'),
      /^the week has no "links" key \(a week is \{"nodes": \[\.\.\.\], "links": \[\.\.\.\]\}; empty arrays are fine\)$/,
      { week: '2024-01-01', field: 'links' },
    )
    expect(e.message).not.toMatch(/undefined/)
  })

  it('does not print the first line of a symbolic link read as CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dx-link-'))
    try {
      const secret = join(dir, 'secret.txt')
      writeFileSync(secret, 'root:SECRET-TOKEN:0:0\n')
      const link = join(dir, 'nodes.csv')
      symlinkSync(secret, link)
      const e = await refused(
        link,
        /missing column "week" or "date"/,
        { line: 1 },
        { format: 'csv' },
      )
      expect(e.message).not.toMatch(/SECRET/)
      expect(e.message).toMatch(/the first line is not shown: the input is a symbolic link/)
      // The same file, not linked, still shows what its header held.
      const plain = join(dir, 'plain.csv')
      writeFileSync(plain, 'a,b\n1,2\n')
      await refused(plain, /\(found: a, b\)/, { line: 1 }, { format: 'csv' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('says which files of a mixed folder it skipped', async () => {
    expect(existsSync(at('defillama-mixed/notes.txt'))).toBe(true)
    const fresh = tempArchive()
    const r = await importFile(fresh.archive, at('defillama-mixed')).finally(() => fresh.close())
    expect(r.weeksInserted.length).toBeGreaterThan(0)
    expect(r.notes).toContain(
      'skipped 2 other entries of the folder (only .json responses are read): extra.csv, notes.txt',
    )
  })
})
