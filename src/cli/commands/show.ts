import type { Command } from 'commander'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, shortNumber, table } from '../format'

interface ShowOptions {
  week: string
  top: string
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('summarise one archived week: totals, largest nodes and exposures')
    .requiredOption('--week <YYYY-MM-DD>', 'the week (a Monday)')
    .option('--top <n>', 'how many nodes and edges to list', '10')
    .action((opts: ShowOptions, cmd: Command) => {
      const problem = weekProblem(opts.week)
      if (problem) throw new DexposureError('USAGE', problem, { field: '--week' })
      const top = Number(opts.top)
      if (!Number.isInteger(top) || top < 0)
        throw new DexposureError('USAGE', '--top must be a non-negative integer', {
          field: '--top',
        })
      const archive = ctx.openArchive(cmd, { readonly: true })
      try {
        const f = archive.loadWeek(opts.week)
        const protocols = archive.protocols()
        const n = f.nodeIds.length
        const inDeg = new Int32Array(n)
        const outDeg = new Int32Array(n)
        let totalExposure = 0
        for (let j = 0; j < f.edgeSrc.length; j++) {
          outDeg[f.edgeSrc[j]]++
          inDeg[f.edgeDst[j]]++
          totalExposure += f.edgeWeight[j]
        }
        let totalTvl = 0
        for (const s of f.sizes) totalTvl += s
        const nodeOrder = [...f.sizes.keys()].sort((a, b) => f.sizes[b] - f.sizes[a]).slice(0, top)
        const edgeOrder = [...f.edgeWeight.keys()]
          .sort((a, b) => f.edgeWeight[b] - f.edgeWeight[a])
          .slice(0, top)
        const name = (i: number) => protocols.get(f.nodeIds[i])?.name ?? null
        const topNodes = nodeOrder.map((i) => ({
          id: f.nodeIds[i],
          name: name(i),
          category: f.categories[i],
          sector: f.sectors[i],
          size: f.sizes[i],
          share: totalTvl > 0 ? f.sizes[i] / totalTvl : 0,
          inDegree: inDeg[i],
          outDegree: outDeg[i],
        }))
        const topEdges = edgeOrder.map((j) => ({
          source: f.nodeIds[f.edgeSrc[j]],
          target: f.nodeIds[f.edgeDst[j]],
          weight: f.edgeWeight[j],
        }))
        const density = n > 1 ? f.edgeSrc.length / (n * (n - 1)) : 0
        const json = {
          week: f.week,
          synthetic: f.synthetic,
          nodes: n,
          edges: f.edgeSrc.length,
          totalTvl,
          totalExposure,
          density,
          topNodes,
          topEdges,
        }
        const label = (id: string, nm: string | null) => (nm ? `${nm} (${id})` : id)
        ctx.output(cmd, json, () =>
          [
            `week ${f.week}: ${n} nodes, ${f.edgeSrc.length} edges, total TVL $${shortNumber(totalTvl)}, ` +
              `total exposure $${shortNumber(totalExposure)}, density ${density.toExponential(2)}`,
            '',
            `largest nodes`,
            table(
              ['node', 'category', 'TVL', 'share %', 'in', 'out'],
              topNodes.map((t) => [
                label(t.id, t.name),
                t.category,
                t.size,
                (t.share * 100).toFixed(1),
                t.inDegree,
                t.outDegree,
              ]),
            ),
            '',
            `largest exposures (holder → issuer)`,
            table(
              ['holder', 'issuer', 'USD'],
              topEdges.map((e) => [
                label(e.source, protocols.get(e.source)?.name ?? null),
                label(e.target, protocols.get(e.target)?.name ?? null),
                e.weight,
              ]),
            ),
            ...(f.synthetic ? ['', SYNTHETIC_NOTE] : []),
          ].join('\n'),
        )
      } finally {
        archive.close()
      }
    })
}
