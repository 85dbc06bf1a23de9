// The bundled loopback server (out/node/server.js) on an archive, for the specs and global setup.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface RunningServer {
  url: string
  token: string
  stop(): Promise<void>
}

export async function startServer(archive: string): Promise<RunningServer> {
  const server: ChildProcess = spawn(
    process.execPath,
    ['out/node/server.js', '--archive', archive],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).once('line', resolve)
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  const { url, token } = JSON.parse(line) as { url: string; token: string }
  return {
    url,
    token,
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return
      const exited = new Promise((r) => server.once('exit', r))
      server.kill('SIGTERM')
      await exited
    },
  }
}
