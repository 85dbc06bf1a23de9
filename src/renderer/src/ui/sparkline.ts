/** A tiny inline SVG sparkline (no library: a few dozen points, drawn in lists and tooltips). */
export function sparkline(
  values: number[],
  width = 80,
  height = 18,
  color = 'currentColor',
): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('width', String(width))
  svg.setAttribute('height', String(height))
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`)
  svg.setAttribute('class', 'sparkline')
  svg.setAttribute('aria-hidden', 'true')
  if (values.length > 1) {
    const lo = Math.min(...values)
    const hi = Math.max(...values)
    const span = hi - lo || 1
    const pts = values
      .map(
        (v, i) =>
          `${((i / (values.length - 1)) * (width - 2) + 1).toFixed(1)},${(height - 1 - ((v - lo) / span) * (height - 2)).toFixed(1)}`,
      )
      .join(' ')
    const line = document.createElementNS(ns, 'polyline')
    line.setAttribute('points', pts)
    line.setAttribute('fill', 'none')
    line.setAttribute('stroke', color)
    line.setAttribute('stroke-width', '1.2')
    svg.append(line)
  }
  return svg
}
