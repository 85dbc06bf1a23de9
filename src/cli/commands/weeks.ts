import type { Command } from 'commander'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, table } from '../format'

export function register(program: Command, ctx: CliContext): void {
  program
    .command('weeks')
    .description('list the archived weeks with their node and edge counts')
    .action((_opts, cmd: Command) => {
      const archive = ctx.openArchive(cmd, { readonly: true })
      try {
        const weeks = archive.listWeeks()
        const synthetic = weeks.some((w) => w.synthetic)
        ctx.output(
          cmd,
          weeks.map((w) => ({ week: w.week, nodes: w.nodes, edges: w.edges })),
          () =>
            [
              table(
                ['week', 'nodes', 'edges', 'total TVL', 'total exposure'],
                weeks.map((w) => [w.week, w.nodes, w.edges, w.totalTvl, w.totalExposure]),
              ),
              `${weeks.length} weeks${weeks.length ? `, ${weeks[0].week} … ${weeks[weeks.length - 1].week}` : ''}`,
              ...(synthetic ? [SYNTHETIC_NOTE] : []),
            ].join('\n'),
        )
      } finally {
        archive.close()
      }
    })
}
