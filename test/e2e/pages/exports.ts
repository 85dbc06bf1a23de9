// Page object for graph exports: runs a "Graph: Export …" palette command and returns the files
// the page saves as downloads (one for GEXF, GraphML and DeXposure JSON; two for CSV).
import { readFile } from 'node:fs/promises'
import type { Download, Page } from '@playwright/test'
import type { Workbench } from './workbench'

export interface SavedFile {
  name: string
  bytes: Buffer
}

export class GraphExports {
  constructor(
    readonly page: Page,
    readonly wb: Workbench,
  ) {}

  /** Runs the palette command and waits for `files` downloads. */
  async run(command: string, files = 1): Promise<SavedFile[]> {
    const downloads: Download[] = []
    const all = new Promise<void>((resolve) => {
      const on = (d: Download) => {
        downloads.push(d)
        if (downloads.length === files) {
          this.page.off('download', on)
          resolve()
        }
      }
      this.page.on('download', on)
    })
    await this.wb.runCommand(command)
    await all
    return Promise.all(
      downloads.map(async (d) => ({
        name: d.suggestedFilename(),
        bytes: await readFile(await d.path()),
      })),
    )
  }
}
