// The Electron security posture, as small pure functions the main process applies and
// test/main/security.test.ts asserts (with `electron` mocked: no binary is needed). What each
// setting guards against: docs/architecture.md, "Electron".
import { fileURLToPath } from 'node:url'
import type {
  BrowserWindowConstructorOptions,
  IpcMainInvokeEvent,
  Session,
  WebContents,
} from 'electron'

// The same policy browser mode sends (src/server/index.ts), minus the event socket it needs.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:"

/** What the window loads: the built page, or the dev server — in development only. */
export type RendererEntry = { kind: 'file'; file: string } | { kind: 'url'; url: string }

/**
 * ELECTRON_RENDERER_URL (electron-vite's dev server) is honoured only when the app is not
 * packaged: in a shipped app an environment variable must not be able to load a remote page
 * that then holds the IPC bridge.
 */
export function rendererEntry(
  isPackaged: boolean,
  env: NodeJS.ProcessEnv,
  rendererIndex: string,
): RendererEntry {
  const dev = env.ELECTRON_RENDERER_URL
  if (!isPackaged && dev) return { kind: 'url', url: dev }
  return { kind: 'file', file: rendererIndex }
}

export function windowOptions(
  preload: string,
  isPackaged: boolean,
): BrowserWindowConstructorOptions {
  return {
    width: 1380,
    height: 860,
    title: 'DeXposure Workbench',
    webPreferences: {
      preload,
      // the page reaches only window.api (src/preload), never Node or Electron
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      // no DevTools in a shipped app (they would let anyone drive the bridge)
      devTools: !isPackaged,
    },
  }
}

/** Whether a frame URL is the app's own page (the built file, or the dev server's origin). */
export function isTrustedUrl(url: string, entry: RendererEntry): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (entry.kind === 'url') return u.origin === new URL(entry.url).origin
  if (u.protocol !== 'file:') return false
  try {
    return fileURLToPath(u) === entry.file
  } catch {
    return false
  }
}

/** An IPC call is accepted only from the app's own page in the top frame (no iframes). */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  entry: RendererEntry,
): boolean {
  const frame = event.senderFrame
  return !!frame && frame.parent === null && isTrustedUrl(frame.url, entry)
}

/** The workbench is one page: it never navigates, redirects, opens windows or embeds webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-redirect', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
}

/** No permission (camera, notifications, clipboard, USB, …) is ever granted; CSP on http loads. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  // Header CSP for http(s) loads (the dev server); file:// loads get the same policy from the
  // page's <meta> tag.
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  )
}
