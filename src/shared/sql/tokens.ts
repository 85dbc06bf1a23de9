// A tokenizer for SQLite's SQL, following SQLite's own tokenizer (tokenize.c) closely enough that
// every token boundary it finds is one SQLite finds: strings, quoted identifiers, comments, blob
// literals, numbers (with `_` separators), parameters and operators. Pure TypeScript so the query
// console (renderer) and the engine's statement filter read SQL the same way: statement under the
// cursor, named parameters, the safety filter and error positions all start here.

export type TokenKind =
  | 'space'
  | 'comment'
  | 'string' // '…'
  | 'ident' // bare word (keyword or identifier)
  | 'qident' // "…", `…` or […]
  | 'number'
  | 'blob' // x'…'
  | 'param' // ?, ?NNN, :name, @name, $name
  | 'op'
  | 'illegal' // what SQLite reports as "unrecognized token"

export interface Token {
  kind: TokenKind
  /** Offset of the first character (UTF-16 code units, as JavaScript strings index). */
  start: number
  /** Offset just past the last character. */
  end: number
  text: string
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13
const isDigit = (c: number) => c >= 48 && c <= 57
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
// SQLite's IdChar: letters, digits, '_', '$' and every byte ≥ 0x80 (so any non-ASCII character).
const isIdChar = (c: number) =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 95 || c === 36 || c >= 128
const isIdStart = (c: number) => isIdChar(c) && !isDigit(c) && c !== 36

/** Every token of `sql`, whitespace and comments included, in order; never throws. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = []
  const n = sql.length
  let i = 0
  const push = (kind: TokenKind, end: number) => {
    out.push({ kind, start: i, end, text: sql.slice(i, end) })
    i = end
  }
  while (i < n) {
    const c = sql.charCodeAt(i)
    const d = i + 1 < n ? sql.charCodeAt(i + 1) : -1
    if (isSpace(c)) {
      let j = i + 1
      while (j < n && isSpace(sql.charCodeAt(j))) j++
      push('space', j)
    } else if (c === 45 /* - */ && d === 45) {
      const nl = sql.indexOf('\n', i + 2)
      push('comment', nl < 0 ? n : nl)
    } else if (c === 47 /* / */ && d === 42 /* * */) {
      const close = sql.indexOf('*/', i + 2)
      push('comment', close < 0 ? n : close + 2)
    } else if (c === 39 /* ' */ || c === 34 /* " */ || c === 96 /* ` */) {
      let j = i + 1
      for (;;) {
        const k = sql.indexOf(String.fromCharCode(c), j)
        if (k < 0) {
          j = -1
          break
        }
        if (sql.charCodeAt(k + 1) === c) j = k + 2
        else {
          j = k + 1
          break
        }
      }
      if (j < 0) push('illegal', n)
      else push(c === 39 ? 'string' : 'qident', j)
    } else if (c === 91 /* [ */) {
      const close = sql.indexOf(']', i + 1)
      if (close < 0) push('illegal', n)
      else push('qident', close + 1)
    } else if ((c === 120 || c === 88) /* x X */ && d === 39) {
      let j = i + 2
      while (j < n && isHex(sql.charCodeAt(j))) j++
      if (sql.charCodeAt(j) === 39 && (j - i - 2) % 2 === 0) push('blob', j + 1)
      else {
        // SQLite makes the rest of the quoted text one illegal token
        const close = sql.indexOf("'", j)
        push('illegal', close < 0 ? n : close + 1)
      }
    } else if (isDigit(c) || (c === 46 /* . */ && isDigit(d))) {
      push(numberKind(sql, i), numberEnd(sql, i))
    } else if (c === 63 /* ? */) {
      let j = i + 1
      while (j < n && isDigit(sql.charCodeAt(j))) j++
      push('param', j)
    } else if (c === 58 /* : */ || c === 64 /* @ */ || c === 36 /* $ */ || c === 35 /* # */) {
      let j = i + 1
      while (j < n && isIdChar(sql.charCodeAt(j))) j++
      push(j > i + 1 ? 'param' : 'illegal', j)
    } else if (isIdStart(c)) {
      let j = i + 1
      while (j < n && isIdChar(sql.charCodeAt(j))) j++
      push('ident', j)
    } else {
      push('op' === opKind(c, d) ? 'op' : 'illegal', i + opLength(sql, i))
    }
  }
  return out
}

function numberEnd(sql: string, i: number): number {
  const n = sql.length
  let j = i
  const digits = (hex: boolean) => {
    while (j < n) {
      const c = sql.charCodeAt(j)
      if ((hex ? isHex(c) : isDigit(c)) || (c === 95 && j > i)) j++
      else break
    }
  }
  if (
    sql.charCodeAt(i) === 48 &&
    (sql[i + 1] === 'x' || sql[i + 1] === 'X') &&
    isHex(sql.charCodeAt(i + 2))
  ) {
    j = i + 2
    digits(true)
  } else {
    digits(false)
    if (sql.charCodeAt(j) === 46) {
      j++
      digits(false)
    }
    const e = sql.charCodeAt(j)
    if (e === 101 || e === 69) {
      const s = sql.charCodeAt(j + 1)
      if (isDigit(s) || ((s === 43 || s === 45) && isDigit(sql.charCodeAt(j + 2)))) {
        j += s === 43 || s === 45 ? 2 : 1
        digits(false)
      }
    }
  }
  // "123abc" is one unrecognized token in SQLite
  while (j < n && isIdChar(sql.charCodeAt(j))) j++
  return j
}

function numberKind(sql: string, i: number): TokenKind {
  const text = sql.slice(i, numberEnd(sql, i))
  return /^(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?(\.[\d_]*)?([eE][+-]?\d[\d_]*)?)$/.test(text)
    ? 'number'
    : 'illegal'
}

function opKind(c: number, d: number): 'op' | 'illegal' {
  if (c === 33 /* ! */) return d === 61 ? 'op' : 'illegal'
  return '-()+*/%=<>,&|~.;'.includes(String.fromCharCode(c)) ? 'op' : 'illegal'
}

function opLength(sql: string, i: number): number {
  const two = sql.slice(i, i + 2)
  if (sql.slice(i, i + 3) === '->>') return 3
  if (['->', '==', '<=', '<>', '<<', '>=', '>>', '!=', '||'].includes(two)) return 2
  // a lone surrogate half or any other character is one illegal token
  return 1
}

export const isTrivia = (t: Token): boolean => t.kind === 'space' || t.kind === 'comment'

/** The name an identifier token stands for: bare words as written, quoted ones unquoted. */
export function identName(t: Token): string {
  if (t.kind === 'qident') {
    const q = t.text[0]
    if (q === '[') return t.text.slice(1, -1)
    return t.text.slice(1, -1).replaceAll(q + q, q)
  }
  return t.text
}

/** The value of a string literal token. */
export const stringValue = (t: Token): string => t.text.slice(1, -1).replaceAll("''", "'")

/** Is `t` the keyword `word` (a bare word, any case)? */
export const isWord = (t: Token | undefined, word: string): boolean =>
  t !== undefined && t.kind === 'ident' && t.text.toLowerCase() === word

export interface Statement {
  /** Offset of the statement's first significant token. */
  start: number
  /** Offset just past its last significant token (the `;` is not included). */
  end: number
  /** Its tokens, trivia included, without the terminating `;`. */
  tokens: Token[]
  /** Its significant tokens (no whitespace or comments). */
  sig: Token[]
  /** The statement's text, `sql.slice(start, end)`. */
  text: string
}

/**
 * Splits SQL into statements at `;` (never inside a string, identifier or comment). Statements
 * with nothing but whitespace and comments are dropped.
 */
export function splitStatements(sql: string, tokens: Token[] = tokenize(sql)): Statement[] {
  const out: Statement[] = []
  let cur: Token[] = []
  const flush = () => {
    const sig = cur.filter((t) => !isTrivia(t))
    if (sig.length > 0) {
      const start = sig[0].start
      const end = sig[sig.length - 1].end
      out.push({ start, end, tokens: cur, sig, text: sql.slice(start, end) })
    }
    cur = []
  }
  for (const t of tokens) {
    if (t.kind === 'op' && t.text === ';') flush()
    else cur.push(t)
  }
  flush()
  return out
}

/**
 * The statement at `offset` (a cursor): the one containing it, else the nearest one before it on
 * the same run of text (a cursor just after `;` or at the end of a line still means that statement),
 * else the next one. Null when there is none.
 */
export function statementAt(sql: string, offset: number): Statement | null {
  const all = splitStatements(sql)
  if (all.length === 0) return null
  let before: Statement | null = null
  for (const s of all) {
    if (offset >= s.start && offset <= s.end) return s
    if (s.end <= offset) before = s
  }
  if (before) {
    const gap = sql.slice(before.end, offset)
    // only the statement's own `;` and spaces on the same line stand between it and the cursor
    if (/^[ \t]*;?[ \t]*$/.test(gap)) return before
  }
  return all.find((s) => s.start >= offset) ?? before
}

export interface ParamUse {
  /** Name without its prefix (`week` for `:week`), or the 1-based index of a positional `?`. */
  key: string | number
  token: Token
}

/**
 * The parameters of one statement in SQLite's numbering: `?` takes the next number after the
 * largest so far, `?NNN` is NNN, and `:name`, `@name`, `$name` are named.
 */
export function statementParams(sig: Token[]): ParamUse[] {
  const out: ParamUse[] = []
  let next = 0
  for (const t of sig) {
    if (t.kind !== 'param') continue
    if (t.text[0] === '?') {
      const n = t.text.length > 1 ? Number(t.text.slice(1)) : next + 1
      next = Math.max(next, n)
      out.push({ key: n, token: t })
    } else out.push({ key: t.text.slice(1), token: t })
  }
  return out
}

/** 1-based line and column of `offset` in `text` (columns count UTF-16 code units). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: offset - lineStart + 1 }
}
