// Where the archive lives when neither --archive nor DEXPOSURE_ARCHIVE says otherwise. The CLI, the
// server and the Electron main process all use this one function so they share one archive.
import { homedir } from 'node:os'
import { join } from 'node:path'

export const ARCHIVE_ENV = 'DEXPOSURE_ARCHIVE'

export function appDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'DeXposure Workbench')
  if (platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'DeXposure Workbench')
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'dexposure-workbench')
}

/** `explicit` (from --archive) wins, then $DEXPOSURE_ARCHIVE, then the app-data folder. */
export function resolveArchivePath(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (explicit) return explicit
  if (env[ARCHIVE_ENV]) return env[ARCHIVE_ENV] as string
  return join(appDataDir(process.platform, env), 'archive.sqlite')
}

export const USER_DIR_ENV = 'DEXPOSURE_USER_DIR'

/**
 * The per-user folder (recent archives, UI state): $DEXPOSURE_USER_DIR (tests), else the app-data
 * folder. Shared by the CLI's `serve`, the server and the Electron engine host.
 */
export function userDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[USER_DIR_ENV] || appDataDir(process.platform, env)
}

/** The per-user store file (src/engine/store/user-store.ts); never inside an archive. */
export function userStoreFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(userDir(env), 'workbench-user.json')
}
