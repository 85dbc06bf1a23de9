// Sides for the labels the view forces on (the selected node, a scenario's shocked nodes, a
// console result's nodes): sigma draws a forced label whatever covers it, so two marked nodes side
// by side printed their names over each other (WETH and BUSD in the demo's top-5 shock). Few
// labels, placed greedily in screen pixels: the largest node keeps its label on the right, each
// next one takes the first side clear of the labels placed before it, of every marked node and of
// the stage's edges. A hovered node's neighbourhood is labelled another way (clearLabelSides): a
// hub's hundreds of neighbours cannot all be, so a label goes only where it covers nothing.

export type LabelSide = 'right' | 'left' | 'above' | 'below'

export const LABEL_SIDES: readonly LabelSide[] = ['right', 'left', 'above', 'below']

export interface LabelItem {
  key: string
  /** Node centre and radius, in screen pixels. */
  x: number
  y: number
  r: number
  /** The label's width in pixels. */
  width: number
}

export interface LabelGeometry {
  /** Line height of a label, px. */
  height: number
  /** Gap between the node's edge and its label, px (sigma's label margin). */
  margin: number
  /** The stage, px: a label's part outside it counts as covered (it would be cut off). */
  stage?: { width: number; height: number }
}

export interface LabelBox {
  x0: number
  y0: number
  x1: number
  y1: number
}
type Box = LabelBox

/** A node's bounding square. */
export const discOf = (i: LabelItem): Box => ({
  x0: i.x - i.r,
  y0: i.y - i.r,
  x1: i.x + i.r,
  y1: i.y + i.r,
})

/** The box a label takes on one side of its node (sigma's placement: centred across the side). */
export function labelBox(item: LabelItem, side: LabelSide, g: LabelGeometry): Box {
  const { x, y, r, width } = item
  const d = r + g.margin
  switch (side) {
    case 'right':
      return { x0: x + d, y0: y - g.height / 2, x1: x + d + width, y1: y + g.height / 2 }
    case 'left':
      return { x0: x - d - width, y0: y - g.height / 2, x1: x - d, y1: y + g.height / 2 }
    case 'above':
      return { x0: x - width / 2, y0: y - d - g.height, x1: x + width / 2, y1: y - d }
    case 'below':
      return { x0: x - width / 2, y0: y + d, x1: x + width / 2, y1: y + d + g.height }
  }
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0)
  return w > 0 && h > 0 ? w * h : 0
}

/**
 * A side for each item's label: largest node first, the first side (right, left, above, below)
 * whose box overlaps no label placed before and no node (as its bounding square) and lies on the
 * stage (when given); where every side
 * is covered, the one covered least. Then labels still covered try each side again against all
 * the others as placed (a few rounds, while any improves). O(n²) a round for n labels: meant for
 * the tens a view forces on.
 */
export function labelSides(items: LabelItem[], g: LabelGeometry): Map<string, LabelSide> {
  const order = [...items].sort((a, b) => b.r - a.r || (a.key < b.key ? -1 : 1))
  const discs = order.map(discOf)
  const boxes: (Box | null)[] = order.map(() => null)
  // the area of `box` (item k's label) over the other nodes, the labels placed and off the stage
  const stage = g.stage
  const coverOf = (k: number, box: Box): number => {
    let cover = stage
      ? (box.x1 - box.x0) * (box.y1 - box.y0) -
        overlap(box, { x0: 0, y0: 0, x1: stage.width, y1: stage.height })
      : 0
    for (let j = 0; j < order.length; j++) {
      if (j === k) continue
      cover += overlap(box, discs[j])
      const other = boxes[j]
      if (other) cover += overlap(box, other)
    }
    return cover
  }
  const sides: LabelSide[] = order.map(() => 'right')
  const place = (k: number): boolean => {
    const before = sides[k]
    boxes[k] = null
    let best = Infinity
    for (const side of LABEL_SIDES) {
      const box = labelBox(order[k], side, g)
      const cover = coverOf(k, box)
      if (cover < best) {
        best = cover
        sides[k] = side
        boxes[k] = box
        if (cover === 0) break
      }
    }
    return sides[k] !== before
  }
  for (let k = 0; k < order.length; k++) place(k)
  for (let round = 0; round < 4; round++) {
    let moved = false
    for (let k = 0; k < order.length; k++) if (coverOf(k, boxes[k]!) > 0 && place(k)) moved = true
    if (!moved) break
  }
  return new Map(order.map((i, k) => [i.key, sides[k]]))
}

/**
 * Labels that cover nothing, for a hovered node's neighbourhood: largest node first, each on the
 * first side (right, left, above, below) whose box overlaps no label placed before, no labelled
 * node, none of `obstacles` (the hovered node's label and disc, the forced labels) and lies on the
 * stage; a node with no such side goes unlabelled, as does every node after the `max`-th label.
 * O(n · m) for n items and m labels placed.
 */
export function clearLabelSides(
  items: LabelItem[],
  g: LabelGeometry,
  obstacles: readonly Box[] = [],
  max = Infinity,
): Map<string, LabelSide> {
  const order = [...items].sort((a, b) => b.r - a.r || (a.key < b.key ? -1 : 1))
  const taken: Box[] = [...obstacles]
  const out = new Map<string, LabelSide>()
  const stage = g.stage
  const onStage = (b: Box): boolean =>
    !stage || (b.x0 >= 0 && b.y0 >= 0 && b.x1 <= stage.width && b.y1 <= stage.height)
  for (const item of order) {
    if (out.size >= max) break
    const disc = discOf(item)
    // a node under a label placed before stays unlabelled (its label would read as the other's)
    if (taken.some((t) => overlap(disc, t) > 0)) continue
    for (const side of LABEL_SIDES) {
      const box = labelBox(item, side, g)
      if (!onStage(box) || taken.some((t) => overlap(box, t) > 0)) continue
      out.set(item.key, side)
      taken.push(box, disc)
      break
    }
  }
  return out
}
