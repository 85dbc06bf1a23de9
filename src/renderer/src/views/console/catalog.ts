// What every console tab completes from, loaded once per archive: query.schema (tables, views,
// columns, functions, weeks, export formats) and the graph universe's node ids and names.
import type { Workbench } from '../context'
import type { NodeDirectory, QuerySchema } from './completion'

export class ConsoleCatalog {
  private schemaValue: QuerySchema | null = null
  private nodesValue: NodeDirectory | null = null
  private loading: Promise<QuerySchema> | null = null

  constructor(private readonly wb: Workbench) {
    // another archive, or an import (new weeks): read the schema again
    wb.archive.changed.on(() => this.reset())
  }

  schema(): QuerySchema | null {
    return this.schemaValue
  }

  nodes(): NodeDirectory | null {
    return this.nodesValue
  }

  reset(): void {
    this.schemaValue = null
    this.nodesValue = null
    this.loading = null
  }

  /** Loads the schema (and, in the background, the node directory) once. */
  load(): Promise<QuerySchema> {
    if (!this.loading) {
      const p = this.wb.api.call('query.schema', {}).then((s) => {
        if (this.loading === p) this.schemaValue = s
        return s
      })
      this.loading = p
      p.catch(() => {
        if (this.loading === p) this.loading = null
      })
      void this.wb.data
        .loadUniverse()
        .then((u) => (this.nodesValue = { ids: u.ids, names: u.names }))
        .catch(this.wb.report)
    }
    return this.loading
  }
}
