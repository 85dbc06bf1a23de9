// The application menu: File (open, new, recent, import) wired to its actions, and DevTools only
// in development builds.
import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({}))
const { menuTemplate } = await import('../../src/main/menu')

const actions = () => ({
  openArchive: vi.fn(),
  newArchive: vi.fn(),
  openRecent: vi.fn(),
  importFile: vi.fn(),
})
const items = (t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  t.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])])
const roles = (t: MenuItemConstructorOptions[]) =>
  items(t)
    .map((i) => i.role)
    .filter(Boolean)
const click = (i: MenuItemConstructorOptions) => (i.click as unknown as () => void)()

describe('application menu', () => {
  const recent = [
    { path: '/a/one.sqlite', exists: true },
    { path: '/a/gone.sqlite', exists: false },
  ]

  it('has File > Open Archive…, New Archive…, Open Recent and Import File…, wired to their actions', () => {
    const a = actions()
    const t = menuTemplate({ isPackaged: true, platform: 'linux', recent }, a)
    const file = t.find((m) => m.label === '&File')!
    const sub = file.submenu as MenuItemConstructorOptions[]
    const byLabel = (l: string) => sub.find((i) => i.label === l)!
    click(byLabel('Open Archive…'))
    click(byLabel('New Archive…'))
    click(byLabel('Import File…'))
    expect(a.openArchive).toHaveBeenCalledOnce()
    expect(a.newArchive).toHaveBeenCalledOnce()
    expect(a.importFile).toHaveBeenCalledOnce()
    const rec = byLabel('Open Recent').submenu as MenuItemConstructorOptions[]
    expect(rec.map((r) => [r.label, r.enabled])).toEqual([
      ['/a/one.sqlite', true],
      ['/a/gone.sqlite (missing)', false],
    ])
    click(rec[0])
    expect(a.openRecent).toHaveBeenCalledWith('/a/one.sqlite')
  })

  it('says when there are no recent archives', () => {
    const t = menuTemplate({ isPackaged: true, platform: 'linux', recent: [] }, actions())
    const rec = items(t).find((i) => i.label === 'Open Recent')!
      .submenu as MenuItemConstructorOptions[]
    expect(rec).toEqual([{ label: 'No recent archives', enabled: false }])
  })

  it('offers DevTools and force-reload only when not packaged', () => {
    const packaged = roles(menuTemplate({ isPackaged: true, platform: 'linux', recent }, actions()))
    expect(packaged).not.toContain('toggleDevTools')
    expect(packaged).not.toContain('forceReload')
    // the stock viewMenu role would bring DevTools back
    expect(packaged).not.toContain('viewMenu')
    const dev = roles(menuTemplate({ isPackaged: false, platform: 'linux', recent }, actions()))
    expect(dev).toContain('toggleDevTools')
    expect(
      roles(menuTemplate({ isPackaged: true, platform: 'darwin', recent }, actions())),
    ).not.toContain('toggleDevTools')
  })
})
