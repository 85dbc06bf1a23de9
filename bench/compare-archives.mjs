// Compares two archives table by table: every row of every table in rowid (or key) order, hashed,
// ignoring what differs by nature between two imports of the same file (the import log's times and
// source, checkpoints' creation time). Usage: node bench/compare-archives.mjs A.sqlite B.sqlite
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
const [a, b] = process.argv.slice(2).map((f) => new Database(f, { readonly: true }))
const tables = a
  .prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  )
  .pluck()
  .all()
let same = true
for (const t of tables) {
  const skip =
    t === 'imports' ? ['started_at', 'finished_at', 'duration_ms', 'source', 'sha256'] : ['created']
  const cols = a
    .prepare(`SELECT name FROM pragma_table_info('${t}')`)
    .pluck()
    .all()
    .filter((c) => !skip.includes(c))
  const hasRowid = !a
    .prepare(`SELECT sql FROM sqlite_master WHERE name = ?`)
    .pluck()
    .get(t)
    .includes('WITHOUT ROWID')
  const order = hasRowid ? 'rowid' : '1, 2'
  const sel = `SELECT ${hasRowid ? 'rowid, ' : ''}${cols.map((c) => `"${c}"`).join(', ')} FROM "${t}" ORDER BY ${order}`
  const h = (db) => {
    const x = createHash('sha256')
    let n = 0
    for (const r of db.prepare(sel).raw().iterate()) {
      n++
      x.update(
        JSON.stringify(
          r.map((v) =>
            Buffer.isBuffer(v)
              ? v.toString('base64')
              : typeof v === 'number' && Object.is(v, -0)
                ? '-0'
                : v,
          ),
        ),
      )
    }
    return `${n} rows ${x.digest('hex').slice(0, 16)}`
  }
  const ha = h(a),
    hb = h(b)
  if (ha !== hb) same = false
  console.log(ha === hb ? 'same' : 'DIFF', t, ha, ha === hb ? '' : hb)
}
console.log(same ? 'ARCHIVES IDENTICAL' : 'ARCHIVES DIFFER')
process.exit(same ? 0 : 1)
