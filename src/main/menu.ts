// The application menu as a pure template (test/main/menu.test.ts checks it without Electron):
// File (open, new, recent archives, import), Edit, View, Window. DevTools and force-reload exist
// only in development builds.
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  openArchive(): void
  newArchive(): void
  openRecent(path: string): void
  importFile(): void
}

export interface MenuModel {
  isPackaged: boolean
  platform: NodeJS.Platform
  /** Most recent first (from `archives.recent`). */
  recent: { path: string; exists: boolean }[]
}

export function menuTemplate(model: MenuModel, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = model.platform === 'darwin'
  const recent: MenuItemConstructorOptions[] = model.recent.length
    ? model.recent.map((r) => ({
        label: r.exists ? r.path : `${r.path} (missing)`,
        enabled: r.exists,
        click: () => actions.openRecent(r.path),
      }))
    : [{ label: 'No recent archives', enabled: false }]
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Archive…', accelerator: 'CmdOrCtrl+O', click: () => actions.openArchive() },
      { label: 'New Archive…', click: () => actions.newArchive() },
      { label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      { label: 'Import File…', accelerator: 'CmdOrCtrl+I', click: () => actions.importFile() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  }
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(model.isPackaged
        ? []
        : ([{ role: 'forceReload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[])),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  }
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ]
}
