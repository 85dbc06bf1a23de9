// The week slider under the graph: every archived week on one track, with the week's total TVL
// (line) and edge count (bars) drawn along it, play/pause and step buttons. It only reports the
// week asked for; the view loads and shows it (latest request wins while dragging or playing).
import type { WeekSummary } from '../../services/archive'
import { count, usd } from '../../ui/format'

export class Timeline {
  readonly element: HTMLElement
  private readonly slider: HTMLInputElement
  private readonly label: HTMLElement
  private readonly playButton: HTMLButtonElement
  private readonly canvas: HTMLCanvasElement
  private weeks: WeekSummary[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private colors = { line: '#2f6fde', bars: 'rgba(120,130,145,0.35)', marker: '#e15759' }

  constructor(
    private readonly onWeek: (week: string) => Promise<void>,
    /** Milliseconds between weeks while playing (after the previous week is drawn). */
    private readonly playDelay = 450,
  ) {
    this.element = document.createElement('div')
    this.element.className = 'timeline'
    const buttons = document.createElement('div')
    buttons.className = 'timeline-buttons'
    const mk = (icon: string, title: string, fn: () => void): HTMLButtonElement => {
      const b = document.createElement('button')
      b.type = 'button'
      b.className = `icon codicon codicon-${icon}`
      b.title = title
      b.setAttribute('aria-label', title)
      b.addEventListener('click', fn)
      buttons.append(b)
      return b
    }
    mk('debug-step-back', 'Previous week (Alt+←)', () => this.step(-1))
    this.playButton = mk('play', 'Play the weeks', () => this.togglePlay())
    this.playButton.dataset.action = 'play'
    mk('debug-step-over', 'Next week (Alt+→)', () => this.step(1))
    const track = document.createElement('div')
    track.className = 'timeline-track'
    this.canvas = document.createElement('canvas')
    this.canvas.className = 'timeline-chart'
    this.slider = document.createElement('input')
    this.slider.type = 'range'
    this.slider.min = '0'
    this.slider.step = '1'
    this.slider.className = 'timeline-slider'
    this.slider.setAttribute('aria-label', 'Week')
    this.slider.addEventListener('input', () => {
      const w = this.weeks[Number(this.slider.value)]
      if (w) void this.onWeek(w.week)
    })
    track.append(this.canvas, this.slider)
    this.label = document.createElement('div')
    this.label.className = 'timeline-label'
    this.element.append(buttons, track, this.label)
    new ResizeObserver(() => this.draw()).observe(track)
  }

  setWeeks(weeks: WeekSummary[]): void {
    this.weeks = weeks
    this.slider.max = String(Math.max(0, weeks.length - 1))
    this.draw()
  }

  setColors(c: { line: string; bars: string; marker: string }): void {
    this.colors = c
    this.draw()
  }

  /** Moves the thumb and label to a week (called by the view once it shows the week). */
  show(week: string): void {
    const i = this.weeks.findIndex((w) => w.week === week)
    if (i < 0) return
    this.slider.value = String(i)
    const w = this.weeks[i]
    this.label.textContent = `${w.week} · ${usd(w.totalTvl)} TVL · ${count(w.edges)} edges`
    // whole on hover where a narrow split cuts it short
    this.label.title = this.label.textContent
    this.slider.setAttribute('aria-valuetext', w.week)
    this.draw()
  }

  get playing(): boolean {
    return this.timer !== null || this.playButton.dataset.state === 'playing'
  }

  step(delta: number): void {
    const i = Number(this.slider.value) + delta
    if (i < 0 || i >= this.weeks.length) return
    this.slider.value = String(i)
    void this.onWeek(this.weeks[i].week)
  }

  togglePlay(): void {
    if (this.playing) this.stop()
    else this.play()
  }

  play(): void {
    if (Number(this.slider.value) >= this.weeks.length - 1) this.slider.value = '0'
    this.playButton.dataset.state = 'playing'
    this.playButton.classList.replace('codicon-play', 'codicon-debug-pause')
    this.playButton.title = 'Pause'
    const tick = async (): Promise<void> => {
      const i = Number(this.slider.value) + 1
      if (this.playButton.dataset.state !== 'playing' || i >= this.weeks.length) return this.stop()
      this.slider.value = String(i)
      await this.onWeek(this.weeks[i].week)
      if (this.playButton.dataset.state === 'playing')
        this.timer = setTimeout(() => void tick(), this.playDelay)
    }
    this.timer = setTimeout(() => void tick(), 0)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.playButton.dataset.state = ''
    this.playButton.classList.replace('codicon-debug-pause', 'codicon-play')
    this.playButton.title = 'Play the weeks'
  }

  private draw(): void {
    const c = this.canvas
    const w = c.clientWidth
    const h = c.clientHeight
    if (!w || !h || !this.weeks.length) return
    const dpr = window.devicePixelRatio || 1
    c.width = Math.round(w * dpr)
    c.height = Math.round(h * dpr)
    const g = c.getContext('2d')!
    g.setTransform(dpr, 0, 0, dpr, 0, 0)
    g.clearRect(0, 0, w, h)
    const n = this.weeks.length
    // the range input's thumb travels inside ~8 px of padding on each side
    const pad = 8
    const x = (i: number): number => pad + (n > 1 ? (i / (n - 1)) * (w - 2 * pad) : 0)
    const maxEdges = Math.max(1, ...this.weeks.map((wk) => wk.edges))
    const maxTvl = Math.max(1, ...this.weeks.map((wk) => wk.totalTvl))
    g.fillStyle = this.colors.bars
    const bw = Math.max(1, (w - 2 * pad) / n - 0.5)
    this.weeks.forEach((wk, i) => {
      const bh = (wk.edges / maxEdges) * (h - 4)
      g.fillRect(x(i) - bw / 2, h - bh, bw, bh)
    })
    g.strokeStyle = this.colors.line
    g.lineWidth = 1.4
    g.beginPath()
    this.weeks.forEach((wk, i) => {
      const y = h - 2 - (wk.totalTvl / maxTvl) * (h - 6)
      if (i) g.lineTo(x(i), y)
      else g.moveTo(x(i), y)
    })
    g.stroke()
    const at = Number(this.slider.value)
    g.strokeStyle = this.colors.marker
    g.beginPath()
    g.moveTo(x(at), 0)
    g.lineTo(x(at), h)
    g.stroke()
  }
}
