// Monaco for the query console, bundled locally (no CDN) and loaded only when a console opens:
// the editor core, the features a SQL console uses (suggest, hover, parameter hints, find,
// comments, formatting, multi-cursor), the built-in SQL tokenizer and the editor worker. Our own
// providers map console/completion.ts onto Monaco; the theme follows the workbench's.
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/features/codicon/register'
import 'monaco-editor/features/suggest/register'
// 0.57's suggest feature module registers only the inline-completion bridge: the suggest
// widget's controller must be imported itself
import 'monaco-editor/editor/contrib/suggest/browser/suggestController'
import 'monaco-editor/features/hover/register'
import 'monaco-editor/features/parameterHints/register'
import 'monaco-editor/features/find/register'
import 'monaco-editor/features/comment/register'
import 'monaco-editor/features/contextmenu/register'
import 'monaco-editor/features/clipboard/register'
import 'monaco-editor/features/bracketMatching/register'
import 'monaco-editor/features/wordHighlighter/register'
import 'monaco-editor/features/multicursor/register'
import 'monaco-editor/features/linesOperations/register'
import 'monaco-editor/features/wordOperations/register'
import 'monaco-editor/features/snippet/register'
import 'monaco-editor/features/format/register'
import 'monaco-editor/features/cursorUndo/register'
import 'monaco-editor/features/placeholderText/register'
import 'monaco-editor/languages/definitions/sql/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
// formatDialect with the one dialect keeps the other 18 out of the bundle
import { formatDialect, sqlite } from 'sql-formatter'
import type { ThemeColors } from '../../workbench/theme'
import {
  complete,
  hoverAt,
  signatureAt,
  type ItemKind,
  type NodeDirectory,
  type QuerySchema,
} from './completion'

export { monaco }

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(id: string, label: string): Worker }
  }
}

/** What the providers complete from: the open archive's schema and node directory, once loaded. */
export interface CatalogSource {
  schema(): QuerySchema | null
  nodes(): NodeDirectory | null
}

let registered = false

/** Registers the worker, the providers and the formatter once per page. */
export function setupMonaco(source: CatalogSource): void {
  if (registered) return
  registered = true
  // only the editor worker: SQL has no language worker (the tokenizer is a Monarch grammar)
  window.MonacoEnvironment = { getWorker: () => new EditorWorker() }

  const kinds: Record<ItemKind, monaco.languages.CompletionItemKind> = {
    table: monaco.languages.CompletionItemKind.Struct,
    view: monaco.languages.CompletionItemKind.Interface,
    column: monaco.languages.CompletionItemKind.Field,
    alias: monaco.languages.CompletionItemKind.Variable,
    function: monaco.languages.CompletionItemKind.Function,
    keyword: monaco.languages.CompletionItemKind.Keyword,
    week: monaco.languages.CompletionItemKind.Constant,
    node: monaco.languages.CompletionItemKind.Value,
    param: monaco.languages.CompletionItemKind.Variable,
  }
  const rangeOf = (model: monaco.editor.ITextModel, from: number, to: number): monaco.IRange => {
    const a = model.getPositionAt(from)
    const b = model.getPositionAt(to)
    return {
      startLineNumber: a.lineNumber,
      startColumn: a.column,
      endLineNumber: b.lineNumber,
      endColumn: b.column,
    }
  }

  monaco.languages.registerCompletionItemProvider('sql', {
    triggerCharacters: ['.', "'", '('],
    provideCompletionItems(model, position) {
      const schema = source.schema()
      if (!schema) return { suggestions: [] }
      const sql = model.getValue()
      const offset = model.getOffsetAt(position)
      const r = complete(sql, offset, schema, source.nodes())
      const range = rangeOf(model, r.from, r.to)
      return {
        incomplete: r.incomplete,
        suggestions: r.items.map((i) => ({
          label: i.detail ? { label: i.label, description: i.detail } : i.label,
          kind: kinds[i.kind],
          insertText: i.insertText,
          insertTextRules: i.snippet
            ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet
            : undefined,
          detail: i.detail,
          documentation: i.documentation ? { value: i.documentation } : undefined,
          filterText: i.filterText,
          sortText: i.sortText,
          range,
          // a function call's snippet opens its parameter hint
          command: i.snippet
            ? { id: 'editor.action.triggerParameterHints', title: 'parameter hints' }
            : undefined,
        })),
      }
    },
  })

  monaco.languages.registerSignatureHelpProvider('sql', {
    signatureHelpTriggerCharacters: ['(', ','],
    signatureHelpRetriggerCharacters: [','],
    provideSignatureHelp(model, position) {
      const schema = source.schema()
      if (!schema) return null
      const hint = signatureAt(model.getValue(), model.getOffsetAt(position), schema)
      if (!hint) return null
      const f = hint.fn
      return {
        value: {
          signatures: [
            {
              label: `${f.name}(${f.params.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(', ')})`,
              documentation: { value: f.doc },
              parameters: f.params.map((p) => ({
                label: p.optional ? `[${p.name}]` : p.name,
                documentation: { value: `${p.type}: ${p.doc}` },
              })),
            },
          ],
          activeSignature: 0,
          activeParameter: Math.min(hint.active, Math.max(0, f.params.length - 1)),
        },
        dispose: () => {},
      }
    },
  })

  monaco.languages.registerHoverProvider('sql', {
    provideHover(model, position) {
      const schema = source.schema()
      if (!schema) return null
      const h = hoverAt(model.getValue(), model.getOffsetAt(position), schema)
      if (!h) return null
      return { range: rangeOf(model, h.from, h.to), contents: [{ value: h.markdown }] }
    },
  })

  monaco.languages.registerDocumentFormattingEditProvider('sql', {
    provideDocumentFormattingEdits(model) {
      return [{ range: model.getFullModelRange(), text: formatSql(model.getValue()) }]
    },
  })
}

/** SQLite SQL laid out by sql-formatter (keywords upper case, named :params kept). */
export function formatSql(sql: string): string {
  return formatDialect(sql, {
    dialect: sqlite,
    keywordCase: 'upper',
    tabWidth: 2,
    paramTypes: { named: [':', '@', '$'], positional: true },
  })
}

/** Monaco cannot read CSS variables: the workbench's colours are handed to it on every change. */
export function applyTheme(c: ThemeColors): void {
  const css = getComputedStyle(document.documentElement)
  const v = (name: string): string => hex6(css.getPropertyValue(name).trim())
  const name = c.kind === 'dark' ? 'dx-dark' : 'dx-light'
  monaco.editor.defineTheme(name, {
    base: c.kind === 'dark' ? 'vs-dark' : 'vs',
    inherit: true,
    rules: [],
    // Monaco takes only #rrggbb(aa): drop what a theme writes otherwise
    colors: Object.fromEntries(
      Object.entries({
        'editor.background': v('--surface'),
        'editor.foreground': v('--fg'),
        'editorLineNumber.foreground': v('--muted'),
        'editor.lineHighlightBackground': v('--surface-2'),
        'editorWidget.background': v('--surface'),
        'editorSuggestWidget.background': v('--surface'),
        'editorSuggestWidget.selectedBackground': v('--selected'),
        'editorHoverWidget.background': v('--surface'),
        focusBorder: v('--accent'),
      }).filter(([, value]) => value !== ''),
    ),
  })
  monaco.editor.setTheme(name)
}

/** A CSS colour as Monaco wants it (#rrggbb): #rgb expanded, rgb() converted, else ''. */
export function hex6(css: string): string {
  const s = css.trim().toLowerCase()
  if (/^#[0-9a-f]{6}([0-9a-f]{2})?$/.test(s)) return s
  if (/^#[0-9a-f]{3}$/.test(s)) return `#${[...s.slice(1)].map((ch) => ch + ch).join('')}`
  const m = /^rgba?\((\d+)[ ,]+(\d+)[ ,]+(\d+)/.exec(s)
  if (m)
    return `#${m
      .slice(1, 4)
      .map((x) => Number(x).toString(16).padStart(2, '0'))
      .join('')}`
  return ''
}
