// What the console's editor offers where the cursor is, as plain data: completions (tables, views,
// columns, aliases, query functions, week literals, node ids inside string literals), the
// parameter hint of the function call around the cursor, and hover docs. Pure TypeScript over the
// shared SQL tokenizer, so it is unit-tested without Monaco; console/monaco.ts only maps the items
// onto Monaco's providers.
import type { CallResponse } from '../../../../shared/api'
import {
  identName,
  isTrivia,
  statementAt,
  tokenize,
  type Token,
} from '../../../../shared/sql/tokens'

export type QuerySchema = CallResponse<'query.schema'>
export type SchemaTable = QuerySchema['tables'][number]
export type SchemaFunction = QuerySchema['functions'][number]

/** The archive's node ids and names (the graph universe), for string literals. */
export interface NodeDirectory {
  ids: string[]
  names: (string | null)[]
}

export type ItemKind =
  'table' | 'view' | 'column' | 'alias' | 'function' | 'keyword' | 'week' | 'node' | 'param'

export interface CompletionItem {
  label: string
  kind: ItemKind
  insertText: string
  /** `insertText` is a snippet (`${1:week}` placeholders). */
  snippet?: boolean
  /** One line beside the label (type, table, node name). */
  detail?: string
  /** Markdown shown beside the list. */
  documentation?: string
  /** What the typed text is matched against (default: the label). */
  filterText?: string
  /** Lower sorts first. */
  sortText?: string
}

export interface CompletionResult {
  items: CompletionItem[]
  /** Offsets of the text the chosen item replaces (the word or string content being typed). */
  from: number
  to: number
  /** The list depends on more than the typed prefix (node search): ask again on each keystroke. */
  incomplete: boolean
}

/** Most node ids offered at once: the list is searched again as the user types. */
export const MAX_NODE_ITEMS = 200

/** Columns that hold node ids: a string literal compared with them completes to node ids. */
const NODE_COLUMNS = new Set(['source', 'target', 'node_id', 'node', 'holder', 'issuer', 'id'])
const WEEK_COLUMNS = new Set(['week', 'target_week', 'anchor_week'])

const KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP BY',
  'ORDER BY',
  'HAVING',
  'LIMIT',
  'OFFSET',
  'JOIN',
  'LEFT JOIN',
  'INNER JOIN',
  'CROSS JOIN',
  'ON',
  'USING',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS NULL',
  'IS NOT NULL',
  'BETWEEN',
  'LIKE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'DISTINCT',
  'WITH',
  'RECURSIVE',
  'UNION',
  'UNION ALL',
  'EXCEPT',
  'INTERSECT',
  'DESC',
  'ASC',
  'OVER',
  'PARTITION BY',
  'EXPLAIN QUERY PLAN',
]

/** SQLite's own functions worth offering (aggregates, window functions, common scalars). */
const BUILTINS = [
  'count',
  'sum',
  'total',
  'avg',
  'min',
  'max',
  'group_concat',
  'round',
  'abs',
  'coalesce',
  'ifnull',
  'nullif',
  'length',
  'lower',
  'upper',
  'substr',
  'replace',
  'printf',
  'date',
  'strftime',
  'julianday',
  'cast',
  'row_number',
  'rank',
  'dense_rank',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'ln',
  'log',
  'exp',
  'sqrt',
  'json_extract',
]

/** Words after which the next word names a table (FROM a, b; JOIN c). */
const TABLE_CONTEXT = new Set(['from', 'join', 'into', 'update', 'table'])
/** Words that end a table reference (never an alias). */
const NOT_ALIAS = new Set([
  'where',
  'join',
  'left',
  'right',
  'full',
  'inner',
  'outer',
  'cross',
  'natural',
  'on',
  'using',
  'group',
  'order',
  'having',
  'limit',
  'union',
  'except',
  'intersect',
  'window',
  'as',
  'select',
  'from',
  'offset',
  'returning',
])

/** A table, view, table function call or sub-query named in a statement's FROM clauses. */
export interface SourceRef {
  /** The table, view or function name (lower case), or null for a sub-query. */
  name: string | null
  alias: string | null
  /** A table function call (`forecast_edges(…)`). */
  call: boolean
  /** Where the reference starts (offset). */
  start: number
}

/** The significant tokens of the statement at `offset` (cursor), with the statement's bounds. */
function statementTokens(sql: string, offset: number): Token[] {
  const st = statementAt(sql, offset)
  if (!st) return []
  return st.sig
}

/**
 * The sources a statement reads: `FROM edges AS e`, `JOIN nodes n`, `FROM sis(:week) s`, `FROM
 * a, b`, and the names of its common table expressions (as tables without known columns).
 */
export function sourcesOf(sig: Token[]): SourceRef[] {
  const out: SourceRef[] = []
  const lower = (t: Token | undefined): string => (t ? identName(t).toLowerCase() : '')
  const skipParens = (i: number): number => {
    // sig[i] is '('; answers the index just past its ')'
    let depth = 0
    for (let j = i; j < sig.length; j++) {
      if (sig[j].text === '(') depth++
      else if (sig[j].text === ')' && --depth === 0) return j + 1
    }
    return sig.length
  }
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]
    // WITH name [(cols)] AS (…)
    if (
      (t.kind === 'ident' || t.kind === 'qident') &&
      sig[i + 1] &&
      (lower(sig[i + 1]) === 'as' || sig[i + 1].text === '(') &&
      i > 0 &&
      (lower(sig[i - 1]) === 'with' ||
        lower(sig[i - 1]) === 'recursive' ||
        (sig[i - 1].text === ',' && isCteList(sig, i - 1)))
    ) {
      const after = sig[i + 1].text === '(' ? sig[skipParens(i + 1)] : sig[i + 1]
      if (lower(after) === 'as')
        out.push({ name: lower(t), alias: null, call: false, start: t.start })
    }
    if (t.kind !== 'ident' || !TABLE_CONTEXT.has(t.text.toLowerCase())) continue
    let j = i + 1
    for (;;) {
      const ref = sig[j]
      if (!ref) break
      let entry: SourceRef
      if (ref.text === '(') {
        entry = { name: null, alias: null, call: false, start: ref.start }
        j = skipParens(j)
      } else if (ref.kind === 'ident' || ref.kind === 'qident') {
        let name = lower(ref)
        j++
        // schema.table
        if (sig[j]?.text === '.' && sig[j + 1]) {
          name = lower(sig[j + 1])
          j += 2
        }
        const call = sig[j]?.text === '('
        if (call) j = skipParens(j)
        entry = { name, alias: null, call, start: ref.start }
      } else break
      if (lower(sig[j]) === 'as') j++
      const a = sig[j]
      if (a && (a.kind === 'ident' || a.kind === 'qident') && !NOT_ALIAS.has(lower(a))) {
        entry.alias = lower(a)
        j++
      }
      out.push(entry)
      // FROM a, b: another reference follows a comma
      if (sig[j]?.text === ',' && t.text.toLowerCase() === 'from') j++
      else break
    }
  }
  return out
}

/** Is the comma at `i` inside a WITH list (WITH a AS (…), b AS (…))? */
function isCteList(sig: Token[], i: number): boolean {
  // walk back over balanced parentheses: a CTE list is `WITH x AS (…) , …`
  let depth = 0
  for (let j = i - 1; j >= 0; j--) {
    const s = sig[j].text
    if (s === ')') depth++
    else if (s === '(') depth--
    else if (depth === 0 && /^with$/i.test(s)) return true
    else if (depth === 0 && /^(select|from|where)$/i.test(s)) return false
    if (depth < 0) return false
  }
  return false
}

/** The columns of a table, view or table function, or null when unknown. */
export function columnsOf(
  schema: QuerySchema,
  name: string,
): { name: string; type: string; doc?: string }[] | null {
  const t = schema.tables.find((x) => x.name.toLowerCase() === name)
  if (t) return t.columns.map((c) => ({ name: c.name, type: c.type }))
  const f = schema.functions.find((x) => x.name === name && x.kind === 'table')
  if (f) return f.columns
  return null
}

/** `forecast_edges(week, horizon [, model])` as a snippet with placeholders for the required. */
function callSnippet(f: SchemaFunction): string {
  const req = f.params.filter((p) => !p.optional)
  return `${f.name}(${req.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ')})`
}

export function functionDoc(f: SchemaFunction): string {
  const lines = [`**${f.signature}**${f.returns ? ` → ${f.returns}` : ''}`, '', f.doc]
  if (f.params.length)
    lines.push(
      '',
      ...f.params.map(
        (p) => `- \`${p.name}\` ${p.type}${p.optional ? ' (optional)' : ''}: ${p.doc}`,
      ),
    )
  if (f.columns.length)
    lines.push('', 'Columns:', ...f.columns.map((c) => `- \`${c.name}\` ${c.type}: ${c.doc}`))
  lines.push('', `*Cost:* ${f.cost}`)
  return lines.join('\n')
}

export function tableDoc(t: SchemaTable): string {
  return [
    `**${t.name}** (${t.kind}${t.schema === 'temp' ? ', made for people' : ''})`,
    ...(t.doc ? ['', t.doc] : []),
    '',
    t.columns.map((c) => `\`${c.name}\` ${c.type}`).join(' · '),
  ].join('\n')
}

/** The token that holds `offset` (a cursor between tokens belongs to the token before it). */
function tokenAt(tokens: Token[], offset: number): Token | undefined {
  return tokens.find((t) => t.start < offset && offset <= t.end)
}

/** A string literal the cursor is inside (closed or still open: an 'illegal' `'…` run). */
function openString(t: Token | undefined, offset: number): boolean {
  if (!t) return false
  if (t.kind === 'string') return offset > t.start && offset < t.end
  return t.kind === 'illegal' && t.text.startsWith("'")
}

/**
 * What a string literal at `sig[k]` stands for from what precedes it: a node id when compared
 * with a node column (`source = '…'`, `target IN ('…', '…')`) or passed as a function's node
 * argument; a week when compared with `week` or passed as a week argument.
 */
export function literalRole(sig: Token[], k: number, schema: QuerySchema): 'node' | 'week' | null {
  let j = k - 1
  // IN ('a', 'b', …): step back over the list to the column
  let inList = false
  while (j >= 0 && (sig[j].text === ',' || sig[j].kind === 'string')) j--
  if (j >= 0 && sig[j].text === '(' && j > 0 && /^in$/i.test(sig[j - 1].text)) {
    inList = true
    j -= 2
  }
  if (!inList) {
    const op = sig[j]
    if (op && ['=', '==', '!=', '<>', '<', '>', '<=', '>='].includes(op.text)) {
      const col = sig[j - 1]
      if (col && (col.kind === 'ident' || col.kind === 'qident')) {
        const name = identName(col).toLowerCase()
        if (NODE_COLUMNS.has(name)) return 'node'
        if (WEEK_COLUMNS.has(name)) return 'week'
      }
      return null
    }
  } else {
    const col = sig[j]
    if (col && (col.kind === 'ident' || col.kind === 'qident')) {
      const name = identName(col).toLowerCase()
      if (NODE_COLUMNS.has(name)) return 'node'
      if (WEEK_COLUMNS.has(name)) return 'week'
    }
    return null
  }
  // a function argument
  const call = enclosingCall(sig, k)
  if (!call) return null
  const f = schema.functions.find((x) => x.name === call.name)
  const p = f?.params[call.arg]
  if (!p) return null
  if (p.name === 'week') return 'week'
  if (['node', 'source', 'target'].includes(p.name)) return 'node'
  return null
}

/** The innermost function call whose parentheses hold token `k`, and which argument it is. */
function enclosingCall(sig: Token[], k: number): { name: string; arg: number; at: number } | null {
  let depth = 0
  let arg = 0
  for (let j = k - 1; j >= 0; j--) {
    const s = sig[j].text
    if (s === ')') depth++
    else if (s === '(') {
      if (depth === 0) {
        const fn = sig[j - 1]
        if (fn && (fn.kind === 'ident' || fn.kind === 'qident'))
          return { name: identName(fn).toLowerCase(), arg, at: j - 1 }
        return null
      }
      depth--
    } else if (s === ',' && depth === 0) arg++
  }
  return null
}

/** Node ids whose id or name contains `typed` (any case); exact and prefix matches first. */
export function searchNodes(nodes: NodeDirectory, typed: string, limit = MAX_NODE_ITEMS): number[] {
  const q = typed.toLowerCase()
  const ranked: [number, number][] = []
  for (let i = 0; i < nodes.ids.length; i++) {
    const id = nodes.ids[i].toLowerCase()
    const name = (nodes.names[i] ?? '').toLowerCase()
    let score: number
    if (!q) score = 3
    else if (id === q || name === q) score = 0
    else if (id.startsWith(q) || name.startsWith(q)) score = 1
    else if (id.includes(q) || name.includes(q)) score = 2
    else continue
    ranked.push([score, i])
  }
  ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  return ranked.slice(0, limit).map((r) => r[1])
}

/**
 * Completions at `offset` of `sql`. `nodes` (the archive's node ids and names) is optional: the
 * editor may ask before the universe has loaded.
 */
export function complete(
  sql: string,
  offset: number,
  schema: QuerySchema,
  nodes?: NodeDirectory | null,
): CompletionResult {
  const tokens = tokenize(sql)
  const at = tokenAt(tokens, offset)
  const sig = statementTokens(sql, offset)

  // ---- inside a string literal: node ids or weeks -------------------------------------------
  if (openString(at, offset)) {
    const s = at!
    const k = sig.findIndex((t) => t.start === s.start)
    const role = k >= 0 ? literalRole(sig, k, schema) : null
    const from = s.start + 1
    const typed = sql.slice(from, offset)
    const closeAt = s.kind === 'string' ? s.end - 1 : offset
    if (role === 'week')
      return {
        items: [...schema.weeks].reverse().map((w, i) => ({
          label: w,
          kind: 'week',
          insertText: w,
          detail: 'archived week',
          sortText: String(i).padStart(5, '0'),
        })),
        from,
        to: closeAt,
        incomplete: false,
      }
    if (role === 'node' && nodes)
      return {
        items: searchNodes(nodes, typed).map((i, rank) => ({
          label: nodes.ids[i],
          kind: 'node',
          insertText: nodes.ids[i],
          detail: nodes.names[i] ?? undefined,
          // the list is already searched: let every item through Monaco's own filter
          filterText: typed,
          sortText: String(rank).padStart(5, '0'),
        })),
        from,
        to: closeAt,
        incomplete: true,
      }
    return { items: [], from: offset, to: offset, incomplete: false }
  }
  if (at && (at.kind === 'comment' || at.kind === 'number' || at.kind === 'blob'))
    return { items: [], from: offset, to: offset, incomplete: false }

  // ---- the word being typed ------------------------------------------------------------------
  const word = at && (at.kind === 'ident' || at.kind === 'qident') ? at : undefined
  const from = word ? word.start : offset
  const before = sig.filter((t) => t.end <= from)
  const prev = before.at(-1)
  const sources = sourcesOf(sig)

  // ---- `alias.` or `table.`: that source's columns ----------------------------------------------
  if (prev?.text === '.' && before.length >= 2) {
    const owner = identName(before[before.length - 2]).toLowerCase()
    const src =
      sources.find((s) => s.alias === owner) ?? sources.find((s) => s.name === owner && !s.alias)
    const cols = columnsOf(schema, src?.name ?? owner) ?? []
    return {
      items: cols.map((c) => ({
        label: c.name,
        kind: 'column',
        insertText: c.name,
        detail: `${c.type} · ${src?.name ?? owner}`,
        documentation: c.doc,
      })),
      from,
      to: word ? word.end : offset,
      incomplete: false,
    }
  }

  const items: CompletionItem[] = []
  const prevWord = prev?.kind === 'ident' ? prev.text.toLowerCase() : ''
  const afterTableWord = TABLE_CONTEXT.has(prevWord) || (prev?.text === ',' && inFromList(before))

  // ---- a week literal after `week =` or as a function's week argument -------------------------
  const roleHere = literalRole(
    [...before, { kind: 'string', start: from, end: from, text: "''" }],
    before.length,
    schema,
  )
  if (roleHere === 'week')
    items.push(
      ...[...schema.weeks].reverse().map((w, i) => ({
        label: `'${w}'`,
        kind: 'week' as const,
        insertText: `'${w}'`,
        detail: 'archived week',
        sortText: `0${String(i).padStart(5, '0')}`,
      })),
    )

  if (afterTableWord) {
    for (const t of schema.tables)
      items.push({
        label: t.name,
        kind: t.kind === 'view' ? 'view' : 'table',
        insertText: t.name,
        detail: `${t.kind}${t.schema === 'temp' ? ' (for people)' : ''} · ${t.columns.length} columns`,
        documentation: tableDoc(t),
        // shorter names first: `edges` before the `edge_rows` storage behind it
        sortText: `1${String(t.name.length).padStart(3, '0')}${t.name}`,
      })
    for (const f of schema.functions.filter((x) => x.kind === 'table'))
      items.push({
        label: f.name,
        kind: 'function',
        insertText: callSnippet(f),
        snippet: true,
        detail: f.signature,
        documentation: functionDoc(f),
        sortText: `2${f.name}`,
      })
    // common table expressions (not the word being typed, which reads as a source too)
    for (const s of sources.filter(
      (x) => !x.call && x.name && x.start !== from && !columnsOf(schema, x.name!),
    ))
      items.push({
        label: s.name!,
        kind: 'table',
        insertText: s.name!,
        detail: 'common table expression',
        sortText: `0${s.name}`,
      })
    return { items, from, to: word ? word.end : offset, incomplete: false }
  }

  // ---- columns of the sources in scope, their aliases, functions, keywords ---------------------
  const seen = new Set<string>()
  for (const s of sources) {
    if (s.alias && !seen.has(`a:${s.alias}`)) {
      seen.add(`a:${s.alias}`)
      items.push({
        label: s.alias,
        kind: 'alias',
        insertText: s.alias,
        detail: `alias of ${s.name ?? 'a sub-query'}`,
        sortText: `1${s.alias}`,
      })
    }
    if (!s.name) continue
    for (const c of columnsOf(schema, s.name) ?? []) {
      if (seen.has(`c:${c.name}`)) continue
      seen.add(`c:${c.name}`)
      items.push({
        label: c.name,
        kind: 'column',
        insertText: c.name,
        detail: `${c.type} · ${s.name}`,
        documentation: c.doc,
        sortText: `0${c.name}`,
      })
    }
  }
  for (const f of schema.functions)
    items.push({
      label: f.name,
      kind: 'function',
      insertText: callSnippet(f),
      snippet: true,
      detail: f.signature,
      documentation: functionDoc(f),
      sortText: `3${f.name}`,
    })
  for (const b of BUILTINS)
    items.push({
      label: b,
      kind: 'function',
      insertText: b,
      detail: 'SQLite function',
      sortText: `4${b}`,
    })
  for (const k of KEYWORDS)
    items.push({ label: k, kind: 'keyword', insertText: k, sortText: `5${k}` })
  // tables too (a sub-query or EXISTS may name one anywhere)
  for (const t of schema.tables)
    items.push({
      label: t.name,
      kind: t.kind === 'view' ? 'view' : 'table',
      insertText: t.name,
      detail: t.kind,
      documentation: tableDoc(t),
      sortText: `6${t.name}`,
    })
  return { items, from, to: word ? word.end : offset, incomplete: false }
}

/** Is the last `,` of `before` part of a FROM list (FROM a, b)? */
function inFromList(before: Token[]): boolean {
  let depth = 0
  for (let j = before.length - 2; j >= 0; j--) {
    const s = before[j].text
    if (s === ')') depth++
    else if (s === '(') {
      if (depth === 0) return false
      depth--
    } else if (depth === 0 && before[j].kind === 'ident') {
      const w = s.toLowerCase()
      if (w === 'from') return true
      if (['select', 'where', 'by', 'on', 'join', 'having', 'values'].includes(w)) return false
    }
  }
  return false
}

export interface SignatureHint {
  fn: SchemaFunction
  /** The argument the cursor is in (0-based). */
  active: number
}

/** The query function whose argument list holds the cursor, and which argument. */
export function signatureAt(
  sql: string,
  offset: number,
  schema: QuerySchema,
): SignatureHint | null {
  const sig = statementTokens(sql, offset).filter((t) => t.end <= offset)
  const call = enclosingCall(
    [...sig, { kind: 'op', start: offset, end: offset, text: '' }],
    sig.length,
  )
  if (!call) return null
  const fn = schema.functions.find((f) => f.name === call.name)
  return fn ? { fn, active: call.arg } : null
}

export interface HoverInfo {
  from: number
  to: number
  markdown: string
}

/** Docs for the word under the cursor: a query function, a table or view, or a column. */
export function hoverAt(sql: string, offset: number, schema: QuerySchema): HoverInfo | null {
  const tokens = tokenize(sql)
  const t = tokens.find((x) => x.start <= offset && offset < x.end && !isTrivia(x))
  if (!t || (t.kind !== 'ident' && t.kind !== 'qident')) return null
  const name = identName(t).toLowerCase()
  const range = { from: t.start, to: t.end }
  const fn = schema.functions.find((f) => f.name === name)
  if (fn) return { ...range, markdown: functionDoc(fn) }
  const table = schema.tables.find((x) => x.name.toLowerCase() === name)
  if (table) return { ...range, markdown: tableDoc(table) }
  const sig = statementTokens(sql, offset)
  const sources = sourcesOf(sig)
  const alias = sources.find((s) => s.alias === name)
  if (alias) return { ...range, markdown: `alias of **${alias.name ?? 'a sub-query'}**` }
  for (const s of sources) {
    const col = s.name
      ? columnsOf(schema, s.name)?.find((c) => c.name.toLowerCase() === name)
      : null
    if (col)
      return {
        ...range,
        markdown: `\`${col.name}\` ${col.type} · ${s.name}${col.doc ? `\n\n${col.doc}` : ''}`,
      }
  }
  return null
}
