// Train/serve parity of the pair-history features: the engine (pair-history.ts over memory.ts)
// and the trainer (training/archive_data.py, numpy only) must compute the same numbers for the
// same pairs of the same week, or a model would be served inputs it was never trained on.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/demo/rng'
import { pairMemoryAt } from '../../../src/engine/forecast/memory'
import { PAIR_HISTORY_FEATURES, pairHistory } from '../../../src/engine/forecast/pair-history'
import { Archive } from '../../../src/engine/store/archive'
import { withDemoArchive } from '../../cli/run-cli'

const PY = `
import json, sys
sys.path.insert(0, 'training')
import numpy as np
from archive_data import ArchiveData, PairMemory, PAIR_HISTORY
req = json.load(open(sys.argv[1]))
data = ArchiveData(req['archive'])
mem = PairMemory(data.G)
t = data.index[req['week']]
for p in range(t + 1):
    mem.advance(p, data.weeks[p])
w = data.weeks[t]
f = mem.features(w['gid'], np.array(req['src']), np.array(req['dst']))
json.dump({'names': PAIR_HISTORY, 'features': f.flatten().tolist()}, open(sys.argv[2], 'w'))
`

let dir: string
let file: string
withDemoArchive('dx-pairhist-', (d, a) => ((dir = d), (file = a)))

describe('pair-history features', () => {
  it.each(['2021-06-07', '2024-11-04'])(
    'match the trainer exactly on week %s (pairs with and without history)',
    (week) => {
      const archive = Archive.open(file, { readonly: true })
      const frame = archive.loadWeek(week)
      const n = frame.nodeIds.length
      const { memory, position } = pairMemoryAt(archive, week, frame.nodeIds)
      archive.close()
      // every pair with history, its reverse, and 3,000 uniform pairs
      const src: number[] = []
      const dst: number[] = []
      for (const key of memory.keys()) {
        const s = Math.floor(key / n)
        const d = key % n
        src.push(s, d)
        dst.push(d, s)
      }
      const rng = new Rng(7)
      for (let i = 0; i < 3000; i++) {
        const s = rng.int(n)
        const d = rng.int(n)
        if (s === d) continue
        src.push(s)
        dst.push(d)
      }
      const req = join(dir, 'req.json')
      const res = join(dir, 'res.json')
      writeFileSync(req, JSON.stringify({ archive: file, week, src, dst }))
      execFileSync('/usr/bin/python3', ['-c', PY, req, res])
      const py = JSON.parse(readFileSync(res, 'utf8')) as { names: string[]; features: number[] }
      expect(py.names).toEqual([...PAIR_HISTORY_FEATURES])

      const ts = pairHistory(
        { week: position, n, memory },
        Int32Array.from(src),
        Int32Array.from(dst),
        PAIR_HISTORY_FEATURES,
      )
      expect(ts.length).toBe(py.features.length)
      const k = PAIR_HISTORY_FEATURES.length
      let worst = { diff: 0, at: '' }
      for (let i = 0; i < ts.length; i++) {
        const diff = Math.abs(ts[i] - py.features[i])
        if (diff > worst.diff)
          worst = { diff, at: `${PAIR_HISTORY_FEATURES[i % k]} of pair ${Math.floor(i / k)}` }
      }
      expect(worst.diff, worst.at).toBeLessThan(1e-6)
      // the check is not vacuous: history-dependent features vary over these pairs
      for (const f of ['share_last_12', 'presence_rate', 'dst_partners'] as const) {
        const j = PAIR_HISTORY_FEATURES.indexOf(f)
        const values = new Set<number>()
        for (let i = j; i < ts.length; i += k) values.add(ts[i])
        expect(values.size, f).toBeGreaterThan(3)
      }
    },
    60_000,
  )
})
