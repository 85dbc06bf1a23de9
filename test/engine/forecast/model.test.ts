// The shipped models through real ONNX Runtime sessions: each one checksum-verified and in parity
// with PyTorch on a graph with repeated destinations, provider fallback, and the checks that refuse a
// damaged or mismatched model.
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  ForecastModel,
  providerUnavailable,
  type ModelManifest,
} from '../../../src/engine/forecast/model'
import { expectOnnxMatchesPyTorch, readParity } from './parity'
import { expectFallbackChain, FOREIGN_PROVIDER } from './providers'

const MODEL = 'resources/models/h1'
const SHIPPED = readdirSync('resources/models').sort()
const dir = mkdtempSync(join(tmpdir(), 'dx-model-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('shipped forecast models', () => {
  it('are h1, h4, h8 and h12, each with stored PyTorch outputs', () => {
    // a model added to resources/models without a parity fixture fails here
    expect(SHIPPED).toEqual(['h1', 'h12', 'h4', 'h8'])
    for (const name of SHIPPED)
      expect(readdirSync('test/engine/forecast/fixtures')).toContain(`parity-${name}.json`)
  })

  describe.each(SHIPPED)('%s', (name) => {
    const modelDir = join('resources/models', name)

    it('has the checksums its manifest states, for the horizon it is named after', () => {
      const m = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as ModelManifest
      expect(`h${m.horizon}`).toBe(name)
      const graphs = Object.values(m.graphs)
      expect(graphs.length).toBe(3)
      for (const g of graphs) {
        const sha = createHash('sha256')
          .update(readFileSync(join(modelDir, g.file)))
          .digest('hex')
        expect(sha, g.file).toBe(g.sha256)
      }
    })

    it('loads and matches PyTorch within 1e-4 on a graph with repeated destinations', async () => {
      await expectOnnxMatchesPyTorch(
        modelDir,
        readParity(`test/engine/forecast/fixtures/parity-${name}.json`),
      )
    })
  })
})

describe('forecast model (ONNX Runtime)', () => {
  it('falls back along the provider chain and says why, whatever this machine has', async () => {
    const model = await ForecastModel.load(MODEL)
    try {
      expectFallbackChain(model)
    } finally {
      await model.release()
    }
  })

  it('skips WebGPU on Linux without a Vulkan loader, saying why', () => {
    const none = () => false
    expect(providerUnavailable('webgpu', 'linux', none)).toMatch(
      /no Vulkan loader \(libvulkan\.so\.1\)/,
    )
    expect(
      providerUnavailable(
        'webgpu',
        'linux',
        (f) => f === '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
      ),
    ).toBeNull()
    expect(providerUnavailable('webgpu', 'win32', none)).toBeNull()
    expect(providerUnavailable('cuda', 'linux', none)).toBeNull()
  })

  it('fails clearly when a forced provider is unavailable', async () => {
    await expect(ForecastModel.load(MODEL, { provider: FOREIGN_PROVIDER })).rejects.toThrow(
      new RegExp(`execution provider "${FOREIGN_PROVIDER}" is not available`),
    )
  })

  it('refuses a model whose file does not match its checksum', async () => {
    const bad = join(dir, 'tampered')
    cpSync(MODEL, bad, { recursive: true })
    const f = join(bad, 'pair_head.onnx')
    const bytes = readFileSync(f)
    bytes[bytes.length - 1] ^= 0xff
    writeFileSync(f, bytes)
    await expect(ForecastModel.load(bad)).rejects.toThrow(
      /pair_head\.onnx has sha256 .* the manifest says/,
    )
  })

  it('refuses a manifest that does not match the graphs or the feature schema', async () => {
    const edit = async (name: string, change: (m: ModelManifest) => void, message: RegExp) => {
      const d = join(dir, name)
      cpSync(MODEL, d, { recursive: true })
      const m = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8')) as ModelManifest
      change(m)
      writeFileSync(join(d, 'model.json'), JSON.stringify(m))
      await expect(ForecastModel.load(d)).rejects.toThrow(message)
    }
    await edit(
      'input-name',
      (m) => void (m.graphs.encoder.inputs[0].name = 'x'),
      /encoder inputs are .*features.* the manifest says .*"x"/,
    )
    await edit(
      'dtype',
      (m) => void (m.graphs.pair_head.inputs[1].dtype = 'int64'),
      /input src is int32, the manifest says int64/,
    )
    await edit('schema', (m) => void (m.feature_schema = 2), /feature schema 2 does not match/)
    await edit(
      'fresh-width',
      (m) => void (m.graphs.fresh_head!.outputs[1].shape[1] = 7),
      /fresh_head must output .* one fixed width \(declared .*, widths 19 and 7\)/,
    )
    await edit(
      'fresh-output',
      (m) => void (m.graphs.fresh_head!.outputs[2].name = 'prob'),
      /fresh_head must output \["src_vec","dst_vec","probability"\]/,
    )
    await edit('categories', (m) => void m.categories.pop(), /ending with "Unknown"/)
    await edit(
      'unknown-pair-feature',
      (m) => void (m.pair_history[0] = 'edge_at_t_plus_h' as never),
      /pair-history features .*unknown \["edge_at_t_plus_h"\]/,
    )
    await edit(
      'pair-width',
      (m) => void m.pair_history.pop(),
      /pair_head input pair_hist is declared \["P",\d+\] but pair_history names \d+ features/,
    )
    await edit(
      'training-data',
      (m) => void (m.training_data!.max_nodes = 0),
      /training_data must be \{"archive": string, .*"max_nodes": positive integer\}/,
    )
    await edit(
      'test-from',
      (m) => void (m.training_window.test_from = 'after the window'),
      /training_window\.test_from must be a date YYYY-MM-DD/,
    )
    await edit(
      'fixed-dim',
      (m) => {
        m.graphs.encoder.inputs[0].shape = ['N', 3]
      },
      /encoder input features has shape .* the manifest says \["N",3\]/,
    )
  })
})
