// The training / validation / test split of an archive for `dexposure train` (docs/forecasting.md).
// By default it comes from the archive's own weeks, so training works on any archive, not only on
// one that spans the paper's dates. training/train.py applies the same anchor rules to the
// boundaries it is given; the CLI plans the split here first so that a split leaving a window
// empty is refused at once, before Python starts.
import { addWeeks } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'

/** The paper's split of the real archive (reference-spec §4.2): train on targets before `until`,
 * validate on targets before `validationUntil`, test on 2025. */
export const PAPER_SPLIT = { until: '2024-07-22', validationUntil: '2025-01-01' } as const
/** Shares of the archive's weeks in the default split; the test window gets the rest. */
export const TRAIN_SHARE = 0.7
export const VALIDATION_SHARE = 0.15
/** train.py trains only on anchor weeks with more nodes than this (tiny weeks teach nothing). */
export const MIN_TRAINING_NODES = 20

export type SplitKind = 'auto' | 'paper'

export interface SplitRequest {
  horizon: number
  split?: SplitKind
  /** Training anchors have t + h before this week; validation anchors start at it. */
  until?: string
  /** Validation anchors have t + h before this date. */
  valUntil?: string
  /** Instead of valUntil: the validation window is this many archived weeks from `until`. */
  valWeeks?: number
}

/** A window: its anchor count and the weeks it reads, from its first anchor t to its last t + h. */
export interface SplitWindow {
  from: string
  to: string
  anchors: number
}

export interface TrainingSplit {
  /** `custom` when --until, --val-until or --val-weeks set a boundary. */
  split: SplitKind | 'custom'
  horizon: number
  until: string
  validation_until: string
  train: SplitWindow
  validation: SplitWindow
  /** The anchors a backtest of the model evaluates by default: every t > last_week_used whose
   * t + h is archived. */
  test: SplitWindow
  /** The last week the model sees (its last training or validation target). */
  last_week_used: string
}

/** The first week of the default split's test window (the last 15 % of the weeks), or undefined
 * for an archive too small to have one. */
export function defaultTestFrom(weeks: string[]): string | undefined {
  const n = weeks.length
  return weeks[Math.round(n * TRAIN_SHARE) + Math.round(n * VALIDATION_SHARE)]
}

/** Plans the split of an archive's weeks (oldest first) for horizon h, or refuses it (USAGE)
 * naming the weeks and the option that fixes it. */
export function planSplit(
  weeks: { week: string; nodes: number }[],
  req: SplitRequest,
): TrainingSplit {
  const h = req.horizon
  const ids = weeks.map((w) => w.week)
  const n = ids.length
  if (n === 0) throw new DexposureError('NOT_FOUND', 'the archive has no weeks: import some first')
  const first = ids[0]
  const last = ids[n - 1]
  const span = `the archive's ${n} weeks ${first} … ${last}`
  // the boundary before archive position i (past the end: the week after the last)
  const boundary = (i: number): string => (i < n ? ids[i] : addWeeks(last, i - n + 1))
  const position = (week: string): number => {
    const i = ids.findIndex((w) => w >= week)
    return i < 0 ? n : i
  }
  const kind = req.split ?? 'auto'
  if (kind !== 'auto' && kind !== 'paper')
    throw new DexposureError('USAGE', `--split must be auto or paper, not ${String(kind)}`, {
      field: '--split',
    })
  if (kind === 'paper' && !(first < PAPER_SPLIT.until && last > PAPER_SPLIT.validationUntil))
    throw new DexposureError(
      'USAGE',
      `--split paper trains before ${PAPER_SPLIT.until}, validates to ${PAPER_SPLIT.validationUntil} and ` +
        `tests after it, but ${span} do not span those dates. Leave out --split paper to split this ` +
        `archive's own weeks (${pct(TRAIN_SHARE)} / ${pct(VALIDATION_SHARE)} / rest), or give --until and --val-until`,
      { field: '--split' },
    )
  if (req.valUntil !== undefined && req.valWeeks !== undefined)
    throw new DexposureError('USAGE', 'give --val-until or --val-weeks, not both', {
      field: '--val-weeks',
    })
  if (req.valWeeks !== undefined && !(Number.isInteger(req.valWeeks) && req.valWeeks > 0))
    throw new DexposureError(
      'USAGE',
      `--val-weeks must be a positive integer, not ${req.valWeeks}`,
      {
        field: '--val-weeks',
      },
    )

  const nTrain = Math.round(n * TRAIN_SHARE)
  const until = req.until ?? (kind === 'paper' ? PAPER_SPLIT.until : boundary(nTrain))
  const p = position(until)
  let valUntil: string
  if (req.valUntil !== undefined) valUntil = req.valUntil
  else if (req.valWeeks !== undefined) valUntil = boundary(p + req.valWeeks)
  else if (kind === 'paper') valUntil = PAPER_SPLIT.validationUntil
  // --until alone: the weeks from it on are shared by validation and test, as 15 % and 15 %
  else if (req.until !== undefined) valUntil = boundary(p + Math.ceil((n - p) / 2))
  else valUntil = boundary(nTrain + Math.round(n * VALIDATION_SHARE))
  const custom = req.until !== undefined || req.valUntil !== undefined || req.valWeeks !== undefined
  const how = custom
    ? `--until ${until}, --val-until ${valUntil}`
    : kind === 'paper'
      ? `the paper's split: --until ${until}, --val-until ${valUntil}`
      : `the default split of ${span}: --until ${until} after the first ${pct(TRAIN_SHARE)}, ` +
        `--val-until ${valUntil} after the next ${pct(VALIDATION_SHARE)}`
  if (valUntil <= until)
    throw new DexposureError(
      'USAGE',
      `the validation window must end after it starts (${how}): give a later --val-until`,
      { field: req.valWeeks !== undefined ? '--val-weeks' : '--val-until' },
    )

  const have = new Set(ids)
  const target = (w: string) => addWeeks(w, h)
  const anchors = weeks.filter((w) => have.has(target(w.week)))
  const train = anchors.filter((w) => target(w.week) < until && w.nodes > MIN_TRAINING_NODES)
  const val = anchors.filter((w) => w.week >= until && target(w.week) < valUntil)
  const minWeeks = `a split for h=${h} needs at least ${3 * (h + 1)} archived weeks, ${h + 1} in each window`
  if (train.length === 0) {
    const eligible = anchors.find((w) => w.nodes > MIN_TRAINING_NODES)
    const fix = eligible
      ? `give a later --until (${boundary(position(target(eligible.week)) + 1)} or after)`
      : n < 3 * (h + 1)
        ? minWeeks
        : `no week has both more than ${MIN_TRAINING_NODES} nodes and its t+${h} archived`
    throw new DexposureError(
      'USAGE',
      `no training weeks for h=${h}: a training anchor t needs t+${h} archived before ${until} ` +
        `and more than ${MIN_TRAINING_NODES} nodes, and ${span} have none (${how}). To fix: ${fix}`,
      { field: '--until' },
    )
  }
  if (val.length === 0) {
    const inside = ids.filter((w) => w >= until && w < valUntil)
    throw new DexposureError(
      'USAGE',
      `no validation weeks for h=${h}: a validation anchor t needs t ≥ ${until} and t+${h} archived ` +
        `before ${valUntil} (${how}), and ${weeksBetween(inside)}. ` +
        `To fix: give --val-weeks ${h + 1} or more, a later --val-until, or an earlier --until` +
        (n < 3 * (h + 1) ? ` (${minWeeks})` : ''),
      { field: req.valWeeks !== undefined ? '--val-weeks' : '--val-until' },
    )
  }
  const lastTrain = target(train[train.length - 1].week)
  const lastVal = target(val[val.length - 1].week)
  const lastUsed = lastTrain > lastVal ? lastTrain : lastVal
  const test = anchors.filter((w) => w.week > lastUsed)
  if (test.length === 0)
    throw new DexposureError(
      'USAGE',
      `no test weeks for h=${h}: the model would see every week up to ${lastUsed} (its last ` +
        `validation target; ${how}), and no archived week t after it has t+${h} archived (the ` +
        `archive ends at ${last}). To fix: give an earlier --val-until or fewer --val-weeks, so that ` +
        `at least ${h + 1} archived weeks follow the validation window`,
      { field: req.valWeeks !== undefined ? '--val-weeks' : '--val-until' },
    )
  const window = (ws: { week: string }[], to: string): SplitWindow => ({
    from: ws[0].week,
    to,
    anchors: ws.length,
  })
  return {
    split: custom ? 'custom' : kind,
    horizon: h,
    until,
    validation_until: valUntil,
    train: window(train, lastTrain),
    validation: window(val, lastVal),
    test: window(test, target(test[test.length - 1].week)),
    last_week_used: lastUsed,
  }
}

/** The three windows, one line each, as `train` prints them. */
export function describeSplit(s: TrainingSplit): string[] {
  const h = s.horizon
  return [
    `train     ${s.train.from} … ${s.train.to}  ${s.train.anchors} anchor weeks t, t+${h} before ${s.until} (--until)`,
    `validate  ${s.validation.from} … ${s.validation.to}  ${s.validation.anchors} anchor weeks, t+${h} before ${s.validation_until} (--val-until)`,
    `test      ${s.test.from} … ${s.test.to}  ${s.test.anchors} anchor weeks after ${s.last_week_used}, the last week the model sees (backtest's default)`,
  ]
}

const weeksBetween = (ws: string[]): string =>
  ws.length === 0
    ? 'no archived week lies in between'
    : ws.length === 1
      ? `only ${ws[0]} lies in between`
      : `only ${ws.length} archived weeks (${ws[0]} … ${ws[ws.length - 1]}) lie in between`

const pct = (x: number) => `${Math.round(100 * x)} %`
