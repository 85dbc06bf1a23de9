// `node bench/report.mjs [--archive FILE] [--week W]`: times `dexposure report` — the weekly risk
// report with four horizons (1, 4, 8, 12) and all eight scenarios, as a PDF — on a copy of the
// real-scale archive (bench/data/real-scale.sqlite), twice: first computing what is not stored
// (forecasts, the contagion run, statistics for the alerts), then with everything stored; and an
// HTML build with everything stored. The copy lives in a temporary folder and is deleted after.
// Targets (issue 13): ≤ 15 s with stored forecasts, ≤ 60 s computing them.
// Each run also gives its CPU seconds (user + system of the CLI and the processes it waited for:
// Chromium, through /usr/bin/time) and the load average before and after it: on a shared machine
// wall time measures the neighbours as much as the report.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const source = opt('--archive', 'bench/data/real-scale.sqlite')
if (!existsSync(source)) {
  console.error(`no archive at ${source}: build it with \`npm run bench:archive\``)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'dx-bench-report-'))
const archive = join(dir, 'real.sqlite')

const timed = existsSync('/usr/bin/time')

function cli(argv) {
  const load = loadavg()[0]
  const t0 = performance.now()
  const cmd = [process.execPath, 'bin/dexposure.js', '--json', '--quiet', ...argv]
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'dx-time %U %S %M', ...cmd], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      })
    : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`dexposure ${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  const t = /dx-time (\S+) (\S+) (\d+)/.exec(r.stderr)
  return {
    ms,
    out: JSON.parse(r.stdout),
    cpuS: t ? +(Number(t[1]) + Number(t[2])).toFixed(1) : null,
    peakRssMb: t ? Math.round(Number(t[3]) / 1024) : null,
    load: `${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
  }
}

try {
  copyFileSync(source, archive)
  for (const ext of ['-wal'])
    if (existsSync(source + ext)) copyFileSync(source + ext, archive + ext)
  const weeks = cli(['--archive', archive, 'weeks']).out
  const week = opt('--week', weeks.at(-1).week)
  const info = weeks.find((w) => w.week === week)
  const report = (format, out) => [
    '--archive',
    archive,
    'report',
    '--week',
    week,
    ...[1, 4, 8, 12].flatMap((h) => ['--horizon', String(h)]),
    '--format',
    format,
    '--out',
    out,
  ]
  const load = loadavg()[0]
  const computing = cli(report('pdf', join(dir, 'first.pdf')))
  const stored = cli(report('pdf', join(dir, 'second.pdf')))
  const html = cli(report('html', join(dir, 'second.html')))
  const pages = Number(
    /Pages:\s+(\d+)/.exec(
      execFileSync('pdfinfo', [join(dir, 'second.pdf')], { encoding: 'utf8' }),
    )?.[1],
  )
  console.log(
    JSON.stringify(
      {
        machine: `${cpus()[0]?.model} ×${cpus().length}, node ${process.version}, load average ${load.toFixed(1)} at start`,
        date: new Date().toISOString().slice(0, 10),
        archive: `${source} (${(statSync(source).size / 2 ** 30).toFixed(2)} GiB), week ${week}: ${info.nodes} nodes, ${info.edges} edges`,
        horizons: [1, 4, 8, 12],
        scenarios: 8,
        pdfComputing: {
          wallS: +(computing.ms / 1000).toFixed(1),
          cpuS: computing.cpuS,
          peakRssMb: computing.peakRssMb,
          load: computing.load,
          computed: computing.out.computed,
          bytes: computing.out.bytes,
          timings: computing.out.timings,
        },
        pdfStored: {
          wallS: +(stored.ms / 1000).toFixed(1),
          cpuS: stored.cpuS,
          load: stored.load,
          computed: stored.out.computed,
          bytes: stored.out.bytes,
          pages,
          timings: stored.out.timings,
        },
        htmlStored: {
          wallS: +(html.ms / 1000).toFixed(1),
          cpuS: html.cpuS,
          load: html.load,
          bytes: html.out.bytes,
          timings: html.out.timings,
        },
        targets: { storedS: 15, computingS: 60 },
      },
      null,
      2,
    ),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
