// Small self-contained SVG charts for reports: a precision–recall curve and a reliability
// diagram. Hand-written SVG keeps reports free of a charting runtime and renders anywhere.
import { ScoreTally, type ReliabilityBin } from '../../shared/metrics'

export interface Series {
  name: string
  points: [number, number][]
  color: string
}

export interface ChartStyle {
  /** Dashed y = x line (reliability diagrams). */
  diagonal?: boolean
  /** Step from each point to the next at the next one's height, as average precision integrates a
   * PR curve (a straight line between PR points overstates the area). */
  steps?: boolean
  /** A dot on every point (reliability bins: two bins joined by a line are not a curve). */
  markers?: boolean
}

const W = 520
const H = 420
const M = { l: 56, r: 16, t: 36, b: 48 }

const esc = (s: string) => s.replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** A unit-square line chart (both axes 0–1). */
export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: Series[],
  style: ChartStyle = {},
): string {
  const x = (v: number) => M.l + v * (W - M.l - M.r)
  const y = (v: number) => H - M.b - v * (H - M.t - M.b)
  const ticks = [0, 0.25, 0.5, 0.75, 1]
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(1)}" stroke="#eee"/>` +
        `<line x1="${x(0)}" y1="${y(t)}" x2="${x(1)}" y2="${y(t)}" stroke="#eee"/>` +
        `<text x="${x(t)}" y="${y(0) + 16}" text-anchor="middle">${t}</text>` +
        `<text x="${x(0) - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    )
    .join('')
  const lines = series
    .map((s) => {
      const pt = (a: number, b: number) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`
      const d = s.points
        .map(([a, b], i) =>
          i === 0
            ? `M${pt(a, b)}`
            : style.steps
              ? `L${pt(s.points[i - 1][0], b)}L${pt(a, b)}`
              : `L${pt(a, b)}`,
        )
        .join('')
      const dots = style.markers
        ? s.points
            .map(
              ([a, b]) =>
                `<circle cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${s.color}"/>`,
            )
            .join('')
        : ''
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>${dots}`
    })
    .join('')
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${W - M.r - 150}" y="${M.t + 8 + i * 18}" width="12" height="3" fill="${s.color}"/>` +
        `<text x="${W - M.r - 132}" y="${M.t + 13 + i * 18}">${esc(s.name)}</text>`,
    )
    .join('')
  const diag = style.diagonal
    ? `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 4"/>`
    : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>
${grid}${diag}${lines}${legend}
<text x="${(x(0) + x(1)) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${(y(0) + y(1)) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(y(0) + y(1)) / 2})">${esc(yLabel)}</text>
</svg>
`
}

/** Precision–recall points (recall, precision), highest threshold first, thinned for drawing. */
export const prCurve = (
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxPoints = 1000,
): [number, number][] => ScoreTally.of(labels, scores).prCurve(maxPoints)

export const reliabilityPoints = (bins: ReliabilityBin[]): [number, number][] =>
  bins.filter((b) => b.count > 0).map((b) => [b.meanPredicted, b.observedRate])
