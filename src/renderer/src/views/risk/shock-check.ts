// Checks a custom shock as the analyst types it, with the engine's own parser (src/shared/risk/
// scenarios.ts, pure): a spec that does not parse is shown with the character where the problem
// is; one that parses is checked against the week (node ids it lists, categories and sectors it
// names), since the engine refuses a custom shock that selects nothing. Pure: unit-tested.
import { isDexposureError } from '../../../../shared/errors'
import { formatShockSpec, parseShockSpec, type ShockSpec } from '../../../../shared/risk/scenarios'

export type ShockCheck =
  | { ok: true; spec: ShockSpec; canonical: string; warnings: string[] }
  | {
      ok: false
      message: string
      /** 0-based character offset of the problem in the text as typed, when the parser knows it. */
      offset: number | null
    }

export interface WeekVocabulary {
  week: string
  /** Node ids present in the week. */
  nodes: ReadonlySet<string>
  /** Category and sector names (any case) present in the week. */
  categories: readonly string[]
  sectors: readonly string[]
}

/** Parses `text`; with `week`, also names ids absent from it and categories or sectors it lacks. */
export function checkShock(text: string, week?: WeekVocabulary): ShockCheck {
  let spec: ShockSpec
  try {
    spec = parseShockSpec(text)
  } catch (e) {
    if (!isDexposureError(e)) throw e
    // the parser counts from the trimmed text: give the position in what was typed
    const lead = text.length - text.trimStart().length
    const at = e.location.offset
    return { ok: false, message: e.message, offset: at === undefined ? null : at + lead }
  }
  const warnings: string[] = []
  if (week) {
    const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()))
    const cats = lower(week.categories)
    const secs = lower(week.sectors)
    for (const t of spec.terms) {
      if (t.kind === 'nodes') {
        const missing = t.ids.filter((id) => !week.nodes.has(id))
        if (missing.length)
          return {
            ok: false,
            message: `node${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''} not in week ${week.week}`,
            offset: text.indexOf(missing[0]),
          }
      } else if (t.kind === 'category' || t.kind === 'sector') {
        const known = t.kind === 'category' ? cats : secs
        const absent = t.names.filter((n) => !known.has(n.toLowerCase()))
        if (absent.length)
          warnings.push(`no node of week ${week.week} is in ${t.kind} ${absent.join(', ')}`)
      } else if (t.kind === 'category-contains') {
        const text = t.text.toLowerCase()
        if (!week.categories.some((c) => c.toLowerCase().includes(text)))
          warnings.push(`no category of week ${week.week} contains "${t.text}"`)
      }
    }
  }
  return { ok: true, spec, canonical: formatShockSpec(spec), warnings }
}

/** "… at character 7" (1-based, as an editor counts) for a failed check. */
export function describeShockProblem(c: Extract<ShockCheck, { ok: false }>): string {
  return c.offset === null ? c.message : `${c.message} (at character ${c.offset + 1})`
}

/** The spec with node `id` added to its `nodes:` term (a new term when there is none). */
export function addNodeToShock(text: string, id: string): string {
  const t = text.trim()
  if (!t) return `nodes:${id}@30%`
  const at = t.lastIndexOf('@')
  const body = at >= 0 ? t.slice(0, at) : t
  const tail = at >= 0 ? t.slice(at) : ''
  const terms = body.split('+')
  const k = terms.findIndex((x) => x.trim().toLowerCase().startsWith('nodes:'))
  if (k >= 0) {
    const ids = terms[k]
      .trim()
      .slice('nodes:'.length)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (ids.includes(id)) return t
    terms[k] = `nodes:${[...ids, id].join(',')}`
  } else terms.push(`nodes:${id}`)
  return `${terms.map((x) => x.trim()).join('+')}${tail}`
}
