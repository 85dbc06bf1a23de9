// The training split `dexposure train` plans from the archive's own weeks: the default shares, the
// paper's dates, the overrides, and a refusal naming the fix for each empty window.
import { describe, expect, it } from 'vitest'
import { readManifest } from '../../../src/engine/forecast/model'
import { defaultTestFrom, planSplit } from '../../../src/engine/forecast/split'
import { addWeeks } from '../../../src/shared/dates'

/** n consecutive weeks from `first`, `nodes` nodes each (or per week by function). */
function archive(first: string, n: number, nodes: (week: string) => number = () => 300) {
  return Array.from({ length: n }, (_, i) => {
    const week = addWeeks(first, i)
    return { week, nodes: nodes(week) }
  })
}

// The demo's calendar (283 weeks 2020-03-23 … 2025-08-18); its early weeks are tiny, as in the demo,
// where the first week with more than 20 nodes is 2021-04-26.
const demo = archive('2020-03-23', 283, (w) => (w < '2021-04-26' ? 12 : 300))
// An archive that ends in 2022 (issue 14's case: 80 weeks 2021-01-04 … 2022-07-11).
const y2022 = archive('2021-01-04', 80)

describe('training split', () => {
  it('by default, 70 / 15 / 15 % of the weeks, each window holding t and t+h', () => {
    const s = planSplit(y2022, { horizon: 1 })
    expect(s.split).toBe('auto')
    expect(s.until).toBe(y2022[56].week) // 56 of 80 weeks train
    expect(s.validation_until).toBe(y2022[68].week) // the next 12 validate
    expect(s.train).toEqual({ from: '2021-01-04', to: y2022[55].week, anchors: 55 })
    expect(s.validation).toEqual({ from: y2022[56].week, to: y2022[67].week, anchors: 11 })
    expect(s.last_week_used).toBe(y2022[67].week)
    expect(s.test).toEqual({ from: y2022[68].week, to: '2022-07-11', anchors: 11 })
    expect(defaultTestFrom(y2022.map((w) => w.week))).toBe(s.test.from)

    // the horizon shortens each window by h anchors; nothing the model sees reaches the test weeks
    const h12 = planSplit(demo, { horizon: 12 })
    const firstLarge = demo.findIndex((w) => w.week === '2021-04-26')
    expect([h12.train.anchors, h12.validation.anchors, h12.test.anchors]).toEqual([
      186 - firstLarge, // t + 12 before week 198, from the first week with more than 20 nodes
      30,
      31,
    ])
    expect(h12.train.to < h12.until && h12.validation.to < h12.validation_until).toBe(true)
    expect(h12.test.from > h12.last_week_used).toBe(true)
  })

  it("--split paper reproduces the shipped models' windows on an archive that spans the dates", () => {
    for (const h of [1, 4, 8, 12]) {
      const shipped = readManifest(`resources/models/h${h}`).training_window
      const s = planSplit(demo, { horizon: h, split: 'paper' })
      expect(s.split).toBe('paper')
      expect({
        from: s.train.from,
        until: s.until,
        validation_until: s.validation_until,
        last_week_used: s.last_week_used,
      }).toEqual(shipped)
      expect(s.test.from).toBe('2025-01-06')
    }
  })

  it('--until, --val-until and --val-weeks override the boundaries', () => {
    // --until alone: the weeks from it on are shared equally by validation and test
    const u = planSplit(y2022, { horizon: 1, until: '2022-02-28' })
    expect(u.split).toBe('custom')
    expect(u.until).toBe('2022-02-28')
    expect(u.validation_until).toBe('2022-05-09') // 10 of the 20 weeks from 2022-02-28
    expect(u.test).toEqual({ from: '2022-05-09', to: '2022-07-11', anchors: 9 })
    const w = planSplit(y2022, { horizon: 4, until: '2022-02-28', valWeeks: 6 })
    expect(w.validation_until).toBe('2022-04-11')
    expect(w.validation.anchors).toBe(2)
    const v = planSplit(y2022, { horizon: 1, until: '2021-09-06', valUntil: '2022-01-01' })
    expect([v.until, v.validation_until, v.test.from]).toEqual([
      '2021-09-06',
      '2022-01-01',
      '2022-01-03',
    ])
  })

  it('refuses a split that leaves a window empty, naming the weeks and the fix', () => {
    const refuse = (req: Parameters<typeof planSplit>[1], message: RegExp, weeks = y2022) => {
      expect(() => planSplit(weeks, req)).toThrow(message)
      try {
        planSplit(weeks, req)
      } catch (e) {
        expect((e as { code: string }).code).toBe('USAGE')
      }
    }
    refuse(
      { horizon: 1, until: '2021-01-11' },
      /no training weeks for h=1: .*2021-01-04 … 2022-07-11.* give a later --until \(2021-01-18 or after\)/,
    )
    refuse(
      { horizon: 4, until: '2022-06-06', valWeeks: 3 },
      /no validation weeks for h=4: .*only 3 archived weeks \(2022-06-06 … 2022-06-20\).*--val-weeks 5 or more/,
    )
    refuse(
      { horizon: 1, until: '2022-02-28', valUntil: '2022-07-11' },
      /no test weeks for h=1: the model would see every week up to 2022-07-04 .*archive ends at 2022-07-11.*earlier --val-until/,
    )
    refuse(
      { horizon: 1, split: 'paper' },
      /--split paper trains before 2024-07-22, validates to 2025-01-01 .* 2021-01-04 … 2022-07-11 do not span/,
    )
    refuse(
      { horizon: 12 },
      /no validation weeks for h=12: .*needs at least 39 archived weeks/,
      y2022.slice(0, 30),
    )
    refuse(
      { horizon: 1, valUntil: '2022-01-03', valWeeks: 3 },
      /--val-until or --val-weeks, not both/,
    )
    refuse({ horizon: 1, until: '2022-03-07', valUntil: '2022-03-07' }, /must end after it starts/)
    refuse({ horizon: 1, split: 'x' as never }, /--split must be auto or paper, not x/)
    // weeks of 20 nodes or fewer never train (as train.py)
    refuse(
      { horizon: 1 },
      /no training weeks for h=1: .*more than 20 nodes/,
      archive('2021-01-04', 40, (w) => (w < '2021-12-06' ? 5 : 300)),
    )
    expect(() => planSplit([], { horizon: 1 })).toThrow(/no weeks/)
  })
})
