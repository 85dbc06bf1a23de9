import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'vitest'
import { QueryEngine } from '../../../src/engine/query/engine'
import { Archive } from '../../../src/engine/store/archive'

it('smoke', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-q-'))
  copyFileSync('/tmp/qx/a.sqlite', join(dir, 'a.sqlite'))
  const archive = Archive.open(join(dir, 'a.sqlite'))
  const q = new QueryEngine(archive)
  let t = performance.now()
  const r = await q.run({ sql: "SELECT week, n_nodes FROM weeks ORDER BY week DESC LIMIT 3; SELECT * FROM edges_named WHERE week = '2022-05-09' ORDER BY weight DESC LIMIT 2" })
  console.log(performance.now() - t, JSON.stringify(r).slice(0, 1500))
  t = performance.now()
  const r2 = await q.run({ sql: "SELECT * FROM forecast_edges('2022-05-09', 4) LIMIT 3; SELECT * FROM sis('2022-05-09') LIMIT 2; SELECT * FROM contagion('2022-05-09','S1','debtrank') LIMIT 2; select link_prob('1599','USDC','2022-05-09',4); select * from node_edges('182') limit 2; select * from network_stats('2022-05-09') limit 2" }, { progress: (d, t, m) => console.log('progress', d, t, m) })
  console.log(performance.now() - t, JSON.stringify(r2).slice(0, 3000))
  for (const bad of ["SELEC 1", "SELECT * FROM edges WHERE wek = 1", "SELECT * FROM forecast_edges('2022-05-10', 4)", "DELETE FROM weeks", "SELECT * FROM sis(week) , weeks"]) {
    try { await q.run({ sql: bad }) } catch (e) { console.log(bad, '→', (e as Error).message, JSON.stringify((e as { location?: unknown }).location)) }
  }
  t = performance.now()
  try { await q.run({ sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c', timeoutMs: 1000 }) } catch (e) { console.log('timeout', (e as Error).message, performance.now() - t) }
  t = performance.now()
  const r3 = await q.run({ sql: 'SELECT 1' })
  console.log('after', performance.now() - t, r3.statements[0].data, q.process.starts)
  console.log(JSON.stringify(await q.schema()).slice(0, 800))
  q.close()
  archive.close()
})
