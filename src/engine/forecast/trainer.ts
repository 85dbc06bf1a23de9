// The trainer behind `dexposure train` and the workbench's `train.run` job: the split is planned
// here before Python starts (so a split leaving a window empty is refused at once, split.ts), then
// training/train.py runs under Debian's python3 with PyTorch, its log lines passed on as they come;
// cancelling kills the child (SIGTERM, then SIGKILL after a grace period).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dateToMs, weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { TrainingWindow } from './model'
import { describeSplit, planSplit, type SplitKind, type TrainingSplit } from './split'

export const PYTHON = '/usr/bin/python3'
/** How long a cancelled trainer gets to stop on SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 5000

/** training/train.py, found by walking up from the running bundle or source file. */
export function trainScript(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const f = join(dir, 'training', 'train.py')
    if (existsSync(f)) return f
    if (dirname(dir) === dir)
      throw new DexposureError('NOT_FOUND', 'training/train.py is not part of this installation')
  }
}

export interface TrainRequest {
  horizon: number
  split?: string
  until?: string
  valUntil?: string
  valWeeks?: number
  /** Default: models/h<H> beside the archive (picked up by forecasts and backtests there). */
  out?: string
  epochs?: number
  seed?: number
  parity?: string
}

export interface TrainPlan {
  split: TrainingSplit
  /** The split as printed before training (three lines). */
  describe: string[]
  out: string
  args: string[]
}

/** Checks the options and plans the split (USAGE naming the option on any problem). */
export function planTraining(
  archiveFile: string,
  /** Read only once the options are checked (the CLI opens the archive then). */
  weeks: () => { week: string; nodes: number }[],
  r: TrainRequest,
  flag: (name: string) => string = (name) => `--${name}`,
): TrainPlan {
  if (!Number.isInteger(r.horizon) || r.horizon < 1)
    throw new DexposureError('USAGE', `${flag('horizon')} must be a positive integer (weeks)`, {
      field: flag('horizon'),
    })
  const problem = r.until === undefined ? null : weekProblem(r.until)
  if (problem) throw new DexposureError('USAGE', problem, { field: flag('until') })
  // a date, not only a Monday: the paper's validation boundary is 2025-01-01
  if (r.valUntil !== undefined && Number.isNaN(dateToMs(r.valUntil)))
    throw new DexposureError('USAGE', `"${r.valUntil}" is not a date of the form YYYY-MM-DD`, {
      field: flag('val-until'),
    })
  for (const [name, v, min] of [
    ['epochs', r.epochs, 1],
    ['seed', r.seed, 0],
  ] as const)
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= min))
      throw new DexposureError('USAGE', `${flag(name)} must be a whole number ≥ ${min}`, {
        field: flag(name),
      })
  if (r.valWeeks !== undefined && !(Number.isInteger(r.valWeeks) && r.valWeeks >= 1))
    throw new DexposureError('USAGE', `${flag('val-weeks')} must be a positive integer`, {
      field: flag('val-weeks'),
    })
  const split = planSplit(weeks(), {
    horizon: r.horizon,
    split: (r.split ?? 'auto') as SplitKind,
    until: r.until,
    valUntil: r.valUntil,
    valWeeks: r.valWeeks,
  })
  const out = r.out ?? join(dirname(archiveFile), 'models', `h${r.horizon}`)
  const args = [
    trainScript(),
    '--archive',
    archiveFile,
    '--horizon',
    String(r.horizon),
    '--out',
    out,
    '--until',
    split.until,
    '--val-until',
    split.validation_until,
    '--split',
    split.split,
    '--epochs',
    String(r.epochs ?? 12),
    '--seed',
    String(r.seed ?? 42),
    ...(r.parity ? ['--parity', r.parity] : []),
  ]
  return { split, describe: describeSplit(split), out, args }
}

const IMPORTS = ['-c', 'import torch, onnx, sklearn']
const noTorch = (why: string) =>
  new DexposureError(
    'NOT_FOUND',
    `training needs PyTorch from Debian: apt-get install python3-torch python3-onnx python3-sklearn (${why.trim().split('\n').at(-1)})`,
  )

/** Refuses (NOT_FOUND) when Debian's PyTorch, ONNX or scikit-learn is missing. */
export function checkTorch(): void {
  const probe = spawnSync(PYTHON, IMPORTS, { encoding: 'utf8' })
  if (probe.status !== 0) throw noTorch(probe.stderr || probe.error?.message || '')
}

let torchProbe: Promise<void> | null = null

/** As checkTorch without blocking (importing torch takes seconds); a success is remembered. */
export function checkTorchAsync(): Promise<void> {
  torchProbe ??= new Promise<void>((resolve, reject) => {
    const child = spawn(PYTHON, IMPORTS, { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
    child.on('error', (e) => reject(noTorch(e.message)))
    child.on('close', (code) => (code === 0 ? resolve() : reject(noTorch(err))))
  }).catch((e: unknown) => {
    torchProbe = null // installing the packages fixes it without a restart
    throw e
  })
  return torchProbe
}

/**
 * Runs train.py; every complete line of its stdout and stderr goes to `onLine`. Resolves with its
 * exit code; throws CANCELLED when `signal` aborted it (the child is killed).
 */
export function runTrainer(
  args: string[],
  opts: {
    signal?: AbortSignal
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void
    python?: string
  } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new DexposureError('CANCELLED', 'training cancelled'))
      return
    }
    const child = spawn(opts.python ?? PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let killTimer: NodeJS.Timeout | undefined
    const onAbort = () => {
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    for (const stream of ['stdout', 'stderr'] as const) {
      let rest = ''
      const s = child[stream]
      s.setEncoding('utf8')
      s.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n')
        rest = lines.pop() ?? ''
        for (const line of lines) opts.onLine?.(line, stream)
      })
      s.on('end', () => {
        if (rest) opts.onLine?.(rest, stream)
        rest = ''
      })
    }
    child.on('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort)
      reject(
        new DexposureError('INTERNAL', `could not start ${opts.python ?? PYTHON}: ${e.message}`),
      )
    })
    child.on('close', (code) => {
      clearTimeout(killTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (opts.signal?.aborted) reject(new DexposureError('CANCELLED', 'training cancelled'))
      else resolve(code ?? 1)
    })
  })
}

/** The training window as the trainer wrote it in model.json (the truth after training). */
export function writtenWindow(out: string): TrainingWindow {
  return (
    JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as {
      training_window: TrainingWindow
    }
  ).training_window
}

/** Progress of a training run read from train.py's log lines: epochs of the pair model. */
export function trainingProgress(
  line: string,
  epochs: number,
): { done: number; total: number } | null {
  const e = /^epoch (\d+):/.exec(line)
  if (e) return { done: Number(e[1]), total: epochs }
  // sampling comes before the first epoch
  if (/^train: sampling week/.test(line)) return { done: 0, total: epochs }
  return null
}
