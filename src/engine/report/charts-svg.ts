// Static SVG charts for the report: stacked horizontal bars (SIS and its parts), a heatmap (sector
// spillovers), line charts (loss by round) and a week strip (alert timeline). Hand-written SVG, as
// plots.ts does for backtests: the report is one offline file that prints the same everywhere,
// with no charting runtime and no DOM in the engine.

const esc = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  )
const n2 = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0')

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11"`

function open(w: number, h: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} role="img" aria-label="${esc(title)}"><title>${esc(title)}</title><rect width="100%" height="100%" fill="#fff"/>`
}

/** "nice" ticks for a 0…max axis, up to the first at or above max (the axis top). */
function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0]
  const raw = max / count
  const p = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw
  const out = [0]
  while (out[out.length - 1] < max * 0.9999) out.push(out.length * step)
  return out
}

export interface BarPart {
  name: string
  color: string
}

/** Horizontal stacked bars: one row per item, its parts side by side, largest first as given. */
export function stackedBars(
  title: string,
  parts: BarPart[],
  rows: { label: string; values: number[] }[],
  fmt: (v: number) => string = (v) => v.toFixed(3),
): string {
  const W = 720
  const L = 190
  const R = 60
  const rowH = 18
  const top = 34
  const H = top + rows.length * rowH + 40
  const axis = ticks(
    Math.max(1e-12, ...rows.map((r) => r.values.reduce((a, b) => a + Math.max(b, 0), 0))),
  )
  const max = axis[axis.length - 1]
  const x = (v: number) => L + (v / max) * (W - L - R)
  const out = [open(W, H, title)]
  out.push(`<text x="12" y="20" font-size="13" font-weight="600">${esc(title)}</text>`)
  for (const t of axis)
    out.push(
      `<line x1="${n2(x(t))}" y1="${top - 4}" x2="${n2(x(t))}" y2="${top + rows.length * rowH}" stroke="#e4e7eb"/><text x="${n2(x(t))}" y="${top + rows.length * rowH + 14}" text-anchor="middle" fill="#555">${esc(fmt(t))}</text>`,
    )
  rows.forEach((r, i) => {
    const y = top + i * rowH
    out.push(
      `<text x="${L - 6}" y="${y + 12}" text-anchor="end">${esc(r.label.length > 30 ? r.label.slice(0, 29) + '…' : r.label)}</text>`,
    )
    let at = 0
    r.values.forEach((v, k) => {
      const w = x(at + Math.max(v, 0)) - x(at)
      if (w > 0)
        out.push(
          `<rect x="${n2(x(at))}" y="${y + 3}" width="${n2(w)}" height="${rowH - 6}" fill="${parts[k].color}"/>`,
        )
      at += Math.max(v, 0)
    })
    out.push(`<text x="${n2(x(at) + 4)}" y="${y + 12}" fill="#333">${esc(fmt(at))}</text>`)
  })
  const ly = H - 14
  parts.forEach((p, k) =>
    out.push(
      `<rect x="${L + k * 150}" y="${ly - 9}" width="10" height="10" fill="${p.color}"/><text x="${L + k * 150 + 14}" y="${ly}">${esc(p.name)}</text>`,
    ),
  )
  out.push('</svg>')
  return out.join('')
}

/** A labelled matrix heatmap (rows = holders, columns = issuers) on a log colour scale. */
export function heatmap(
  title: string,
  labels: string[],
  matrix: Float64Array,
  fmt: (v: number) => string,
): string {
  const k = labels.length
  const cell = Math.max(18, Math.min(44, Math.floor(520 / Math.max(k, 1))))
  const L = 150
  const T = 130
  const W = L + k * cell + 20
  const H = T + k * cell + 40
  const max = Math.max(1, ...matrix)
  // log scale between the smallest and the largest non-zero cell: the cells span many orders of
  // magnitude, and a scale from 0 would paint them all dark
  const min = Math.min(max, ...Array.from(matrix).filter((v) => v > 0))
  const span = Math.log(max) - Math.log(min) || 1
  const colour = (v: number) => {
    if (!(v > 0)) return '#f6f7f9'
    const t = 0.08 + (0.92 * (Math.log(v) - Math.log(min))) / span
    // pale → deep blue
    const c = (a: number, b: number) => Math.round(a + (b - a) * t)
    return `rgb(${c(235, 8)}, ${c(243, 48)}, ${c(251, 107)})`
  }
  const ink = (v: number) =>
    v > 0 && (Math.log(v) - Math.log(min)) / span > 0.55 ? '#fff' : '#1d2733'
  const out = [open(W, H, title)]
  out.push(`<text x="12" y="20" font-size="13" font-weight="600">${esc(title)}</text>`)
  labels.forEach((l, i) => {
    const short = l.length > 22 ? l.slice(0, 21) + '…' : l
    out.push(
      `<text x="${L - 6}" y="${T + i * cell + cell / 2 + 4}" text-anchor="end">${esc(short)}</text>`,
    )
    const cx = L + i * cell + cell / 2
    out.push(
      `<text x="${cx}" y="${T - 6}" transform="rotate(-50 ${cx} ${T - 6})">${esc(short)}</text>`,
    )
  })
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const v = matrix[i * k + j]
      out.push(
        `<rect x="${L + j * cell}" y="${T + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${colour(v)}"${i === j ? ' stroke="#999" stroke-dasharray="2 2"' : ''}><title>${esc(`${labels[i]} → ${labels[j]}: ${fmt(v)}`)}</title></rect>`,
      )
      if (cell >= 40 && v > 0)
        out.push(
          `<text x="${L + j * cell + cell / 2}" y="${T + i * cell + cell / 2 + 3}" text-anchor="middle" font-size="8" fill="${ink(v)}">${esc(fmt(v))}</text>`,
        )
    }
  out.push(
    `<text x="${L}" y="${T + k * cell + 18}" fill="#555">rows: holder sector · columns: issuer sector · colour: log USD, ${esc(fmt(min))} … ${esc(fmt(max))} · dashed: within a sector</text>`,
  )
  out.push('</svg>')
  return out.join('')
}

export interface LineSeries {
  name: string
  color: string
  points: [number, number][]
}

/** A line chart with markers over integer x (rounds), y from 0. */
export function lineChart(
  title: string,
  xLabel: string,
  series: LineSeries[],
  fmt: (v: number) => string,
): string {
  const W = 420
  const H = 240
  const M = { l: 64, r: 12, t: 30, b: 52 }
  const xmax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[0])))
  const ymax = Math.max(1e-9, ...series.flatMap((s) => s.points.map((p) => p[1])))
  const yt = ticks(ymax, 4)
  const ytop = yt.at(-1)! || ymax
  const x = (v: number) => M.l + (v / xmax) * (W - M.l - M.r)
  const y = (v: number) => H - M.b - (v / ytop) * (H - M.t - M.b)
  const out = [open(W, H, title)]
  out.push(`<text x="8" y="18" font-size="12" font-weight="600">${esc(title)}</text>`)
  for (const t of yt)
    out.push(
      `<line x1="${M.l}" y1="${n2(y(t))}" x2="${W - M.r}" y2="${n2(y(t))}" stroke="#e4e7eb"/><text x="${M.l - 4}" y="${n2(y(t) + 4)}" text-anchor="end" fill="#555">${esc(fmt(t))}</text>`,
    )
  const step = Math.max(1, Math.ceil(xmax / 10))
  for (let r = 0; r <= xmax; r += step)
    out.push(
      `<text x="${n2(x(r))}" y="${H - M.b + 14}" text-anchor="middle" fill="#555">${r}</text>`,
    )
  out.push(
    `<text x="${(M.l + W - M.r) / 2}" y="${H - M.b + 28}" text-anchor="middle">${esc(xLabel)}</text>`,
  )
  for (const s of series) {
    const d = s.points.map(([a, b], i) => `${i ? 'L' : 'M'}${n2(x(a))},${n2(y(b))}`).join('')
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`)
    for (const [a, b] of s.points)
      out.push(`<circle cx="${n2(x(a))}" cy="${n2(y(b))}" r="2.5" fill="${s.color}"/>`)
  }
  series.forEach((s, i) =>
    out.push(
      `<rect x="${M.l + i * 118}" y="${H - 14}" width="12" height="3" fill="${s.color}"/><text x="${M.l + i * 118 + 16}" y="${H - 10}">${esc(s.name)}</text>`,
    ),
  )
  out.push('</svg>')
  return out.join('')
}

/** One bar per week (alert counts), the report's week marked. */
export function weekStrip(
  title: string,
  weeks: { week: string; count: number }[],
  mark: string,
): string {
  const W = 720
  const H = 150
  const M = { l: 40, r: 12, t: 30, b: 40 }
  const yt = ticks(Math.max(1, ...weeks.map((w) => w.count)), 4).map(Math.round)
  const max = yt[yt.length - 1]
  const bw = (W - M.l - M.r) / Math.max(weeks.length, 1)
  const y = (v: number) => H - M.b - (v / max) * (H - M.t - M.b)
  const out = [open(W, H, title)]
  out.push(`<text x="8" y="18" font-size="12" font-weight="600">${esc(title)}</text>`)
  for (const t of [...new Set(yt)])
    out.push(
      `<line x1="${M.l}" y1="${n2(y(t))}" x2="${W - M.r}" y2="${n2(y(t))}" stroke="#e4e7eb"/><text x="${M.l - 4}" y="${n2(y(t) + 4)}" text-anchor="end" fill="#555">${t}</text>`,
    )
  weeks.forEach((w, i) => {
    const x0 = M.l + i * bw
    if (w.week === mark)
      out.push(
        `<rect x="${n2(x0)}" y="${M.t}" width="${n2(bw)}" height="${H - M.t - M.b}" fill="#fde8c8"/>`,
      )
    if (w.count > 0)
      out.push(
        `<rect x="${n2(x0 + 1)}" y="${n2(y(w.count))}" width="${n2(Math.max(1, bw - 2))}" height="${n2(H - M.b - y(w.count))}" fill="#d1495b"><title>${esc(`${w.week}: ${w.count}`)}</title></rect>`,
      )
    if (i % Math.max(1, Math.ceil(weeks.length / 8)) === 0 || w.week === mark)
      out.push(
        `<text x="${n2(x0 + bw / 2)}" y="${H - M.b + 14}" text-anchor="middle" fill="#555">${w.week.slice(2)}</text>`,
      )
  })
  out.push(
    `<text x="${M.l}" y="${H - 8}" fill="#555">alerts per week; shaded: the report's week</text>`,
  )
  out.push('</svg>')
  return out.join('')
}
