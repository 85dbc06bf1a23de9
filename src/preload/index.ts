// Exposes the API contract to the sandboxed renderer as window.api. Only these functions cross
// the bridge (calls, events, a native file dialog); payloads are validated on both sides of the IPC against src/shared/api.ts.
import { contextBridge, ipcRenderer } from 'electron'
import type { WorkbenchApi } from '../shared/api'

const api: WorkbenchApi = {
  mode: 'electron',
  call: (name, request) => ipcRenderer.invoke('api:call', name, request),
  on: (name, listener) => {
    const handler = (_e: unknown, event: string, payload: unknown) => {
      if (event === name) (listener as (p: unknown) => void)(payload)
    }
    ipcRenderer.on('api:event', handler)
    return () => void ipcRenderer.off('api:event', handler)
  },
  // a native open dialog, run by the main process (the sandboxed page has no file access)
  pickFile: (purpose) => ipcRenderer.invoke('api:pick-file', purpose),
}

contextBridge.exposeInMainWorld('api', api)
