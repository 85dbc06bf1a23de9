// Format detection reads only the first KiB: each format's opening is enough to tell them apart.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { csvKind, detectKind, jsonKind } from '../../../src/engine/import/detect'
import { expectError, FIXTURES, tempArchive, type TempArchive } from './helpers'

describe('jsonKind / csvKind', () => {
  it.each([
    ['{"data": {"2025-06-30": {"nodes": []', 'dexposure'],
    ['\uFEFF {\n "data" : {}}', 'dexposure'],
    ['{"2269": {"name": "Binance CEX", "category": "Trading & Exchanges"}, "182": {', 'id_to_info'],
    ['{\n    "MAP": {\n        "APW": {\n            "id": "1109",', 'token_to_protocol'],
    ['{"id": "1599", "name": "Aave V3", "description": "Earn interest', 'defillama'],
    ['{"name": "Save", "tvl": [{"date": 1628809200', 'defillama'],
    ['[{"id": "", "name": "Aave V3", "slug": "", "category": "Lending"', 'defillama'],
    ['{"protocols": [{"name": "x"}]', 'defillama'],
    ['{"foo": 1}', null],
    ['[1, 2]', null],
  ])('%s → %s', (text, kind) => {
    expect(jsonKind(text)).toBe(kind)
  })

  it.each([
    ['id,name,category\n2269,Binance CEX,CEX', 'meta_df'],
    ['week,id,size,category,name\n', 'csv_nodes'],
    ['Date,Id,TVL,Label\n', 'csv_nodes'],
    ['week,source,target,weight\n', 'csv_edges'],
    ['Source,Target,Weight\n', 'csv_edges'],
    ['a,b,c\n', null],
    ['just text', null],
  ])('%s → %s', (text, kind) => {
    expect(csvKind(text)).toBe(kind)
  })
})

describe('detectKind', () => {
  let t: TempArchive
  beforeEach(() => {
    t = tempArchive()
  })
  afterEach(() => t.close())

  it('detects fixture files and directories', async () => {
    expect(await detectKind(join(FIXTURES, 'dexposure/small.json'))).toBe('dexposure')
    expect(await detectKind(join(FIXTURES, 'defillama/responses'))).toBe('defillama_dir')
    expect(await detectKind(join(FIXTURES, 'defillama/responses/aave-v3.json'))).toBe('defillama')
    expect(await detectKind(join(FIXTURES, 'defillama/token_to_protocol.json'))).toBe(
      'token_to_protocol',
    )
    expect(await detectKind(join(FIXTURES, 'csv/net'))).toBe('csv_dir')
    expect(await detectKind(join(FIXTURES, 'csv/gephi.edges.csv'))).toBe('csv_edges')
  })

  it('asks for --format when the content is not recognised', async () => {
    const f = join(t.dir, 'x.json')
    writeFileSync(f, '{"foo": 1}')
    await expectError(importFile(t.archive, f), /cannot tell the format.*--format/, { file: f })
  })

  it('a missing input is a clear error', async () => {
    const f = join(t.dir, 'nope.json')
    await expectError(importFile(t.archive, f), /cannot read the input: ENOENT/, { file: f })
  })

  it('an explicit format wins, and the reader reports what is wrong', async () => {
    const f = join(FIXTURES, 'csv/net/nodes.csv')
    await expectError(
      importFile(t.archive, f, { format: 'dexposure' }),
      /top level is not a JSON object/,
      {
        file: f,
        offset: 0,
      },
    )
  })
})
