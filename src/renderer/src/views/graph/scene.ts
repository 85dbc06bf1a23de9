// Builds the SVG export's scene from what the view shows: the visible nodes (from sigma) and the
// drawn edges (from the edge layer's lists) with their colours and sizes, at the current camera or
// framing the whole graph.
import type Sigma from 'sigma'
import type { SvgEdge, SvgNode, SvgScene } from '../../../../shared/graph-svg'

export interface SceneText {
  title: string
  subtitle: string
  legend: SvgScene['legend']
  background: string
  text: string
  muted: string
}

/** An edge as drawn: its ends by node key, its width in pixels, its colour (alpha included). */
export interface DrawnEdge {
  source: string
  target: string
  width: number
  color: string
}

/** The scene in pixels of the stage (current view) or of a fitted frame (whole graph). */
export function sceneFromSigma(
  sigma: Sigma,
  drawnEdges: Iterable<DrawnEdge>,
  text: SceneText,
  whole: boolean,
): SvgScene {
  const graph = sigma.getGraph()
  const { width, height } = sigma.getDimensions()
  const override = whole ? { cameraState: { x: 0.5, y: 0.5, ratio: 1, angle: 0 } } : undefined
  const ratio = whole ? 1 : sigma.getCamera().getState().ratio
  const nodes: SvgNode[] = []
  const where = new Map<string, { x: number; y: number }>()
  const labels = sigma.getNodeDisplayedLabels()
  graph.forEachNode((key, attrs) => {
    const d = sigma.getNodeDisplayData(key)
    if (!d || d.visibility === 'hidden') return
    const p = sigma.graphToViewport({ x: attrs.x as number, y: attrs.y as number }, override)
    // nodes outside the exported frame are not drawn (the current view crops like the screen)
    const r = sigma.scaleSize(d.size, ratio)
    if (p.x < -r || p.y < -r || p.x > width + r || p.y > height + r) return
    where.set(key, p)
    nodes.push({
      id: key,
      x: p.x,
      y: p.y,
      r,
      color: d.color,
      label:
        labels.has(key) || d.labelVisibility === 'visible' ? (d.label ?? undefined) : undefined,
      labelSide: sideOf(d.labelPosition),
    })
  })
  const edges: SvgEdge[] = []
  for (const e of drawnEdges) {
    const a = where.get(e.source)
    const b = where.get(e.target)
    if (!a || !b) continue
    edges.push({
      x1: a.x,
      y1: a.y,
      x2: b.x,
      y2: b.y,
      width: Math.max(0.3, e.width),
      color: e.color,
      opacity: 1,
    })
  }
  return { width, height, nodes, edges, ...text }
}

/** Renders an SVG document to a PNG blob through an image and a canvas (same look as the SVG). */
export async function svgToPng(svg: string, scale = window.devicePixelRatio || 1): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }))
  try {
    const img = new Image()
    img.decoding = 'async'
    img.src = url
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(img.naturalWidth * scale)
    canvas.height = Math.round(img.naturalHeight * scale)
    const g = canvas.getContext('2d')!
    g.scale(scale, scale)
    g.drawImage(img, 0, 0)
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))),
        'image/png',
      ),
    )
  } finally {
    URL.revokeObjectURL(url)
  }
}

/** sigma's label position as the SVG writer's side ("over" and unset: right). */
function sideOf(p: unknown): SvgNode['labelSide'] {
  return p === 'left' || p === 'above' || p === 'below' ? p : undefined
}
