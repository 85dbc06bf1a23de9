// Light and dark themes, following the OS by default. The chrome reads CSS variables; WebGL
// (sigma) and canvas charts cannot, so the resolved colours are handed to them on every change.
import { Emitter } from '../services/events'

export type ThemePreference = 'system' | 'light' | 'dark'
export type ThemeKind = 'light' | 'dark'

/** Colours the graph and charts draw with, read from the theme's CSS variables. */
export interface ThemeColors {
  kind: ThemeKind
  background: string
  text: string
  muted: string
  edge: string
  label: string
  accent: string
  highlight: string
  added: string
  removed: string
  grew: string
  shrank: string
}

export class ThemeService {
  private pref: ThemePreference = 'system'
  private readonly media = window.matchMedia('(prefers-color-scheme: dark)')
  readonly changed = new Emitter<ThemeColors>()
  colors: ThemeColors

  constructor() {
    this.media.addEventListener('change', () => this.pref === 'system' && this.apply())
    this.colors = this.apply()
  }

  get preference(): ThemePreference {
    return this.pref
  }

  get kind(): ThemeKind {
    return this.pref === 'system' ? (this.media.matches ? 'dark' : 'light') : this.pref
  }

  set(pref: ThemePreference): void {
    this.pref = pref
    this.apply()
  }

  /** Cycles system → light → dark → system. */
  toggle(): void {
    this.set(this.pref === 'system' ? 'light' : this.pref === 'light' ? 'dark' : 'system')
  }

  private apply(): ThemeColors {
    const kind = this.kind
    const root = document.documentElement
    root.dataset.theme = kind
    root.style.colorScheme = kind
    const css = getComputedStyle(root)
    const v = (name: string): string => css.getPropertyValue(name).trim()
    this.colors = {
      kind,
      background: v('--graph-bg'),
      text: v('--fg'),
      muted: v('--muted'),
      edge: v('--graph-edge'),
      label: v('--graph-label'),
      accent: v('--accent'),
      highlight: v('--graph-highlight'),
      added: v('--diff-added'),
      removed: v('--diff-removed'),
      grew: v('--diff-grew'),
      shrank: v('--diff-shrank'),
    }
    this.changed.emit(this.colors)
    return this.colors
  }
}
