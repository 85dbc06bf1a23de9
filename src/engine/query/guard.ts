// The statement filter of the query console and the analysis that comes with it. better-sqlite3
// exposes no authorizer, so what a query may do is decided here, on SQLite's own tokens, before
// SQLite sees it — and enforced again by the query process's connection (read-only file,
// `PRAGMA query_only`, defensive mode: query/worker.ts). The filter lets through SELECT, VALUES,
// WITH … SELECT, EXPLAIN [QUERY PLAN] of those, and read-only PRAGMAs from an allow-list; it
// refuses every write keyword, ATTACH/DETACH, VACUUM (VACUUM INTO creates its file even on a
// read-only connection: verified), load_extension and friends. The analysis finds the calls of
// the query functions and their literal (or bound) arguments, so the engine can prepare the
// forecast and risk runs a query reads before it runs (SQLite callbacks cannot wait for them).
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { formatShockSpec, parseShockSpec, SCENARIOS } from '../../shared/risk/scenarios'
import {
  identName,
  isWord,
  lineColumn,
  splitStatements,
  statementParams,
  stringValue,
  tokenize,
  type Statement,
  type Token,
} from '../../shared/sql/tokens'
import { functionByName, type QueryFunctionSpec } from './catalog'

export type ParamValue = string | number | null
export type QueryParams = Record<string, ParamValue> | ParamValue[]

/** Largest SQL text a query may have (characters). */
export const MAX_SQL_CHARS = 1_000_000
/** Most statements one run may hold. */
export const MAX_STATEMENTS = 100

/** PRAGMAs a query may read (never set): schema and file facts, no side effects. */
export const PRAGMA_WITH_ARGUMENT = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
])
export const PRAGMA_READ_ONLY = new Set([
  ...PRAGMA_WITH_ARGUMENT,
  'database_list',
  'collation_list',
  'function_list',
  'module_list',
  'pragma_list',
  'compile_options',
  'user_version',
  'schema_version',
  'application_id',
  'data_version',
  'page_count',
  'page_size',
  'freelist_count',
  'encoding',
  'foreign_keys',
])

/** Bare words that only writes, schema changes and connection changes use. */
const FORBIDDEN_WORDS = new Set([
  'insert',
  'update',
  'delete',
  'create',
  'drop',
  'alter',
  'attach',
  'detach',
  'vacuum',
  'reindex',
  'analyze',
])

/** Functions and tables that reach files, extensions or raw pages (most are not compiled in). */
const FORBIDDEN_NAMES = new Set([
  'load_extension',
  'fts3_tokenizer',
  'readfile',
  'writefile',
  'edit',
  'fsdir',
  'zipfile',
  'sqlar_compress',
  'sqlar_uncompress',
  'sqlite_dbpage',
  'sqlite_dbdata',
  'sqlite_dbptr',
])

export type CallArg =
  | { kind: 'value'; value: ParamValue; start: number; end: number }
  | { kind: 'dynamic'; start: number; end: number }

export interface FunctionCall {
  spec: QueryFunctionSpec
  /** Offsets in the request's SQL: the name through the closing parenthesis. */
  start: number
  end: number
  args: CallArg[]
}

/** A stored run a statement reads, with where it is named (for error positions). */
export type RunRequirement =
  | {
      kind: 'forecast'
      week: string
      horizon: number
      model: string | null
      /**
       * Without `model`: the model the console chose for the horizon (query.run `models`), whose
       * latest run is read or computed; none chosen: the latest run of any model.
       */
      chosen?: { name: string; sha256: string; dir: string }
      at: FunctionCall
    }
  | { kind: 'stats'; week: string; at: FunctionCall }
  | {
      kind: 'contagion'
      week: string
      /** Canonical scenario: a known name, or a shock spec in canonical form. */
      scenario: string
      method: ContagionMethodName | null
      at: FunctionCall
    }

export const CONTAGION_METHODS = ['reference', 'debtrank', 'eisenberg-noe'] as const
export type ContagionMethodName = (typeof CONTAGION_METHODS)[number]

export interface CheckedStatement {
  index: number
  /** Offsets of the statement in the request's SQL. */
  start: number
  end: number
  /** The text SQLite runs: the statement with the query functions' calls renamed where needed. */
  sql: string
  /** Token starts in `sql` and the matching offsets in the request's SQL (for error positions). */
  offsets: { rewritten: number[]; original: number[] }
  /** Values to bind: positional (`?`) in order, and named (`:name`, `@name`, `$name`) by name. */
  bind: { positional: ParamValue[]; named: Record<string, ParamValue> | null }
  calls: FunctionCall[]
  needs: RunRequirement[]
  /** Its significant tokens (of the request's SQL). */
  sig: Token[]
  /** All its tokens, and the new text of the tokens renamed (by token). */
  tokens: Token[]
  renamed: Map<Token, string>
}

/** A call replaced by other SQL (an inlined stored run: query/inline.ts). */
export interface Replacement {
  call: FunctionCall
  text: string
}

/** A position in the request's SQL as an error location (offset, line, column, length). */
export function sqlLocation(sql: string, offset: number, length = 0) {
  const { line, column } = lineColumn(sql, offset)
  return { field: 'sql', offset, line, column, length }
}

export function badSql(sql: string, message: string, offset: number, length = 0): DexposureError {
  return new DexposureError('BAD_INPUT', message, sqlLocation(sql, offset, length))
}

/**
 * Checks every statement of `sql`, binds `params` and finds the query functions' calls. Throws
 * BAD_INPUT (with the offending position) for a refused or malformed statement and USAGE for a
 * missing parameter.
 */
export function checkQuery(sql: string, params: QueryParams = {}): CheckedStatement[] {
  if (sql.length > MAX_SQL_CHARS)
    throw new DexposureError(
      'USAGE',
      `the SQL is ${sql.length} characters long; at most ${MAX_SQL_CHARS} are accepted`,
      { field: 'sql' },
    )
  const tokens = tokenize(sql)
  const bad = tokens.find((t) => t.kind === 'illegal')
  if (bad) throw badSql(sql, `unrecognized token: ${shorten(bad.text)}`, bad.start, bad.text.length)
  const statements = splitStatements(sql, tokens)
  if (statements.length === 0) throw badSql(sql, 'no SQL statement to run', 0)
  if (statements.length > MAX_STATEMENTS)
    throw badSql(
      sql,
      `${statements.length} statements in one run; at most ${MAX_STATEMENTS} are run at once`,
      statements[MAX_STATEMENTS].start,
    )
  return statements.map((s, index) => checkStatement(sql, s, index, params))
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

function checkStatement(
  sql: string,
  s: Statement,
  index: number,
  params: QueryParams,
): CheckedStatement {
  const sig = s.sig
  checkHead(sql, sig)
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]
    if (t.kind === 'ident' && FORBIDDEN_WORDS.has(t.text.toLowerCase()))
      throw badSql(
        sql,
        `${t.text.toUpperCase()} is not allowed: the query console only reads the archive (write the name in double quotes if it is a column)`,
        t.start,
        t.text.length,
      )
    if (isWord(t, 'replace') && isWord(sig[i + 1], 'into'))
      throw badSql(sql, 'REPLACE INTO is not allowed: the query console only reads', t.start, 7)
    if (t.kind === 'ident' || t.kind === 'qident') {
      const name = identName(t).toLowerCase()
      if (FORBIDDEN_NAMES.has(name))
        throw badSql(sql, `${name} is not available in the query console`, t.start, t.text.length)
      if (name.startsWith('pragma_') && !PRAGMA_READ_ONLY.has(name.slice(7)))
        throw badSql(
          sql,
          `${name} is not allowed; the read-only pragmas are ${[...PRAGMA_READ_ONLY].join(', ')}`,
          t.start,
          t.text.length,
        )
    }
  }
  const bind = bindParams(sql, sig, params)
  const { calls, renamed } = findCalls(sql, sig, bind)
  const tokens = s.tokens.filter((t) => t.end > s.start && t.start < s.end)
  const rewritten = buildSql(tokens, renamed)
  return {
    index,
    start: s.start,
    end: s.end,
    sql: rewritten.sql,
    offsets: rewritten.offsets,
    bind: bind.bind,
    calls,
    needs: calls.flatMap((c) => requirementsOf(sql, c)),
    sig,
    tokens,
    renamed,
  }
}

function checkHead(sql: string, sig: Token[]): void {
  const head = sig[0]
  if (isWord(head, 'explain')) {
    const next = sig[isWord(sig[1], 'query') && isWord(sig[2], 'plan') ? 3 : 1]
    if (!next || !['select', 'with', 'values'].some((w) => isWord(next, w)))
      throw badSql(
        sql,
        'EXPLAIN is allowed before SELECT, WITH or VALUES only',
        (next ?? head).start,
        (next ?? head).text.length,
      )
    return
  }
  if (isWord(head, 'pragma')) return checkPragma(sql, sig)
  if (['select', 'with', 'values'].some((w) => isWord(head, w))) return
  if (head.kind === 'op' && head.text === '(')
    throw badSql(sql, 'a statement cannot start with "("', head.start, 1)
  throw badSql(
    sql,
    `${head.text.length > 20 ? 'this statement' : `"${head.text}"`} is not allowed: the query console runs SELECT, WITH, VALUES, EXPLAIN and read-only PRAGMAs`,
    head.start,
    head.text.length,
  )
}

/** PRAGMA [main.|temp.]name [(argument)] — never `= value`, and only names of the allow-list. */
function checkPragma(sql: string, sig: Token[]): void {
  let i = 1
  if ((sig[1]?.kind === 'ident' || sig[1]?.kind === 'qident') && sig[2]?.text === '.') {
    const schema = identName(sig[1]).toLowerCase()
    if (schema !== 'main' && schema !== 'temp')
      throw badSql(sql, `PRAGMA on schema "${schema}" is not allowed`, sig[1].start)
    i = 3
  }
  const nameTok = sig[i]
  if (!nameTok || (nameTok.kind !== 'ident' && nameTok.kind !== 'qident'))
    throw badSql(sql, 'PRAGMA needs a name', (nameTok ?? sig[0]).start)
  const name = identName(nameTok).toLowerCase()
  const rest = sig.slice(i + 1)
  const allowed = [...PRAGMA_READ_ONLY].join(', ')
  if (!PRAGMA_READ_ONLY.has(name))
    throw badSql(
      sql,
      `PRAGMA ${name} is not allowed; the read-only pragmas are ${allowed}`,
      nameTok.start,
      nameTok.text.length,
    )
  if (rest.length === 0) return
  const assigns = rest[0].text === '='
  const argument = rest[0].text === '(' && rest.at(-1)?.text === ')' && rest.length === 3
  if (assigns || !argument || !PRAGMA_WITH_ARGUMENT.has(name))
    throw badSql(
      sql,
      `PRAGMA ${name} can only be read here${PRAGMA_WITH_ARGUMENT.has(name) ? ` (PRAGMA ${name}(name))` : ''}`,
      rest[0].start,
      rest[0].text.length,
    )
}

interface Bound {
  bind: CheckedStatement['bind']
  /** The value of each parameter token, by its offset. */
  values: Map<number, ParamValue>
}

function bindParams(sql: string, sig: Token[], params: QueryParams): Bound {
  const uses = statementParams(sig)
  const positional: ParamValue[] = []
  const named: Record<string, ParamValue> = {}
  const values = new Map<number, ParamValue>()
  let anyNamed = false
  for (const u of uses) {
    if (typeof u.key === 'number') {
      if (u.token.text !== '?')
        throw badSql(
          sql,
          `numbered parameters (${u.token.text}) are not supported: use ? or a name (:week)`,
          u.token.start,
          u.token.text.length,
        )
      const v = Array.isArray(params) ? params[u.key - 1] : undefined
      if (v === undefined)
        throw new DexposureError(
          'USAGE',
          `no value for parameter ${u.key} (?); give the parameters as a list`,
          sqlLocation(sql, u.token.start, 1),
        )
      positional.push(v)
      values.set(u.token.start, v)
    } else {
      const v = Array.isArray(params) ? undefined : lookup(params, u.key)
      if (v === undefined)
        throw new DexposureError(
          'USAGE',
          `no value for parameter ${u.token.text} (give it as ${u.key}=…)`,
          sqlLocation(sql, u.token.start, u.token.text.length),
        )
      named[u.key] = v
      anyNamed = true
      values.set(u.token.start, v)
    }
  }
  return { bind: { positional, named: anyNamed ? named : null }, values }
}

function lookup(params: Record<string, ParamValue>, key: string): ParamValue | undefined {
  for (const k of [key, `:${key}`, `@${key}`, `$${key}`])
    if (Object.hasOwn(params, k)) return params[k]
  return undefined
}

function findCalls(
  sql: string,
  sig: Token[],
  bound: Bound,
): { calls: FunctionCall[]; renamed: Map<Token, string> } {
  const calls: FunctionCall[] = []
  const renamed = new Map<Token, string>()
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]
    if (t.kind !== 'ident' && t.kind !== 'qident') continue
    const spec = functionByName(identName(t))
    if (!spec || sig[i + 1]?.text !== '(') continue
    // a qualified name is ours only as main.name
    if (sig[i - 1]?.text === '.' && identName(sig[i - 2] ?? t).toLowerCase() !== 'main') continue
    const close = matching(sig, i + 1)
    if (close < 0) continue // SQLite reports the syntax error
    // `WITH name(a, b) AS (…)` names a CTE, not a call
    if (
      isWord(sig[close + 1], 'as') &&
      ['(', 'materialized', 'not'].includes(sig[close + 2]?.text.toLowerCase() ?? '')
    )
      continue
    calls.push({
      spec,
      start: t.start,
      end: sig[close].end,
      args: argsOf(sig, i + 2, close, bound),
    })
    if (identName(t).toLowerCase() !== spec.registered) renamed.set(t, spec.registered)
  }
  return { calls, renamed }
}

function matching(sig: Token[], open: number): number {
  let depth = 0
  for (let j = open; j < sig.length; j++) {
    if (sig[j].text === '(' && sig[j].kind === 'op') depth++
    else if (sig[j].text === ')' && sig[j].kind === 'op' && --depth === 0) return j
  }
  return -1
}

function argsOf(sig: Token[], from: number, to: number, bound: Bound): CallArg[] {
  const args: CallArg[] = []
  let depth = 0
  let startTok = from
  const finish = (endTok: number) => {
    const toks = sig.slice(startTok, endTok)
    if (toks.length > 0) args.push(argOf(toks, bound))
  }
  for (let j = from; j < to; j++) {
    const t = sig[j]
    if (t.kind !== 'op') continue
    if (t.text === '(') depth++
    else if (t.text === ')') depth--
    else if (t.text === ',' && depth === 0) {
      finish(j)
      startTok = j + 1
    }
  }
  finish(to)
  return args
}

function argOf(toks: Token[], bound: Bound): CallArg {
  const start = toks[0].start
  const end = toks[toks.length - 1].end
  const value = (v: ParamValue): CallArg => ({ kind: 'value', value: v, start, end })
  const [a, b] = toks
  if (toks.length === 1) {
    if (a.kind === 'string') return value(stringValue(a))
    if (a.kind === 'number') return value(Number(a.text.replaceAll('_', '')))
    if (a.kind === 'param') return value(bound.values.get(a.start) ?? null)
    if (isWord(a, 'null')) return value(null)
  }
  if (
    toks.length === 2 &&
    a.kind === 'op' &&
    (a.text === '-' || a.text === '+') &&
    b.kind === 'number'
  ) {
    const n = Number(b.text.replaceAll('_', ''))
    return value(a.text === '-' ? -n : n)
  }
  return { kind: 'dynamic', start, end }
}

/** The stored runs a call reads, when its arguments are known before the query runs. */
function requirementsOf(sql: string, call: FunctionCall): RunRequirement[] {
  const need = call.spec.needs
  // too many arguments: SQLite says so, at the call
  if (!need || call.args.length > call.spec.params.length) return []
  const weekAt = call.spec.name === 'link_prob' ? 2 : 0
  const arg = (i: number) => call.args[i]
  const known = (i: number) => {
    const a = arg(i)
    return a?.kind === 'value' ? a.value : undefined
  }
  const required = need === 'contagion' ? [0, 1] : need === 'forecast' ? [weekAt, weekAt + 1] : [0]
  // dynamic arguments are read from what is stored; a NULL argument yields no rows
  if (required.some((i) => known(i) === undefined || known(i) === null)) return []
  const week = checkWeekArg(sql, arg(weekAt), known(weekAt))
  if (need === 'forecast') {
    const horizon = checkHorizonArg(sql, arg(weekAt + 1), known(weekAt + 1))
    const m = call.spec.name === 'link_prob' ? undefined : known(2)
    if (m === undefined && arg(2)?.kind === 'dynamic') return []
    return [
      {
        kind: 'forecast',
        week,
        horizon,
        model: m === undefined || m === null ? null : String(m),
        at: call,
      },
    ]
  }
  if (need === 'stats') return [{ kind: 'stats', week, at: call }]
  const scenario = canonicalScenario(String(known(1)))
  if (scenario instanceof Error)
    throw badSql(sql, scenario.message, arg(1).start, arg(1).end - arg(1).start)
  const m = known(2)
  if (m === undefined && arg(2)?.kind === 'dynamic') return []
  let method: ContagionMethodName | null = null
  if (m !== undefined && m !== null) {
    method = checkMethod(String(m))
    if (!method)
      throw badSql(
        sql,
        `unknown contagion method "${String(m)}" (reference, debtrank, eisenberg-noe)`,
        arg(2).start,
        arg(2).end - arg(2).start,
      )
  }
  return [{ kind: 'contagion', week, scenario, method, at: call }]
}

function checkWeekArg(sql: string, a: CallArg, v: ParamValue | undefined): string {
  const text = String(v)
  const problem =
    typeof v === 'string' ? weekProblem(v) : `expected a week 'YYYY-MM-DD', not ${text}`
  if (problem) throw badSql(sql, problem, a.start, a.end - a.start)
  return text
}

function checkHorizonArg(sql: string, a: CallArg, v: ParamValue | undefined): number {
  const h = Number(v)
  if (!Number.isInteger(h) || h < 1 || h > 520)
    throw badSql(
      sql,
      `the horizon must be a whole number of weeks ≥ 1, not ${String(v)}`,
      a.start,
      a.end - a.start,
    )
  return h
}

export function checkMethod(m: string): ContagionMethodName | null {
  const lower = m.toLowerCase()
  return (CONTAGION_METHODS as readonly string[]).includes(lower)
    ? (lower as ContagionMethodName)
    : null
}

/**
 * A scenario argument in the form runs store it: a known scenario's own name (any case), else the
 * canonical text of a shock spec; an Error when it is neither.
 */
export function canonicalScenario(text: string): string | Error {
  const known = SCENARIOS.find((s) => s.name.toLowerCase() === text.trim().toLowerCase())
  if (known) return known.name
  try {
    const spec = parseShockSpec(text)
    return formatShockSpec(spec)
  } catch (e) {
    return new Error(
      `"${text}" is neither a scenario (${SCENARIOS.map((s) => s.name).join(', ')}) nor a shock spec: ${(e as Error).message}`,
    )
  }
}

/**
 * The SQL SQLite runs: the statement's tokens (trivia kept), renamed tokens replaced, and each
 * replaced call (name through closing parenthesis) swapped for its text; with the token starts in
 * it and their offsets in the request's SQL, for error positions.
 */
export function buildSql(
  tokens: Token[],
  renamed: Map<Token, string>,
  replacements: Replacement[] = [],
): { sql: string; offsets: CheckedStatement['offsets'] } {
  const rewritten: number[] = []
  const original: number[] = []
  let out = ''
  let skipUntil = -1
  for (const t of tokens) {
    if (t.start < skipUntil) continue
    rewritten.push(out.length)
    original.push(t.start)
    const r = replacements.find((x) => x.call.start === t.start)
    if (r) {
      out += r.text
      skipUntil = r.call.end
    } else out += renamed.get(t) ?? t.text
  }
  return { sql: out, offsets: { rewritten, original } }
}

/** Whether the token at `i` stands where a table does: after FROM, JOIN, or a comma of a FROM list. */
export function inFromClause(sig: Token[], i: number): boolean {
  let depth = 0
  for (let k = i - 1; k >= 0; k--) {
    const t = sig[k]
    if (t.kind === 'op' && t.text === ')') depth++
    else if (t.kind === 'op' && t.text === '(') {
      if (depth === 0) return false
      depth--
    } else if (depth === 0) {
      if (k === i - 1 && !(t.kind === 'op' && t.text === ',') && t.kind !== 'ident') return false
      if (t.kind === 'ident') {
        const w = t.text.toLowerCase()
        if (w === 'from' || w === 'join') return true
        if (k === i - 1) return false
        if (
          [
            'select',
            'where',
            'group',
            'order',
            'having',
            'on',
            'using',
            'values',
            'set',
            'limit',
          ].includes(w)
        )
          return false
      }
    }
  }
  return false
}

/** An offset in a statement's rewritten SQL, mapped back to the request's SQL. */
export function originalOffset(st: CheckedStatement, offset: number): number {
  const { rewritten, original } = st.offsets
  let lo = 0
  let hi = rewritten.length - 1
  if (hi < 0) return st.start
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (rewritten[mid] <= offset) lo = mid
    else hi = mid - 1
  }
  return original[lo] + Math.max(0, offset - rewritten[lo])
}
