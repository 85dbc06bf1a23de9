// `dexposure report` on a fresh demo archive, read back as a reader would: the PDF through
// poppler (pdftotext, pdfinfo, pdftoppm), its bookmarks from the PDF's /Outlines, the graph page's
// pixels; the HTML as a file that must open offline.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPORT_SECTION_TITLES } from '../../src/shared/api-report'
import { runCli, runCliJson, withDemoArchive } from './run-cli'

const WEEK = '2025-08-11'
const TITLES = Object.values(REPORT_SECTION_TITLES)
let dir = ''
let archive = ''
withDemoArchive('dx-report-', (d, a) => {
  dir = d
  archive = a
})

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' })
/** pdftotext joins what Chromium splits; collapse whitespace so phrases match. */
const text = (pdf: string, page?: number) =>
  run('pdftotext', [
    ...(page ? ['-f', String(page), '-l', String(page)] : []),
    '-layout',
    pdf,
    '-',
  ]).replace(/\s+/g, ' ')

/** Bookmark titles of a PDF: the outline items' /Title strings (literal or UTF-16 hex). */
function bookmarks(pdf: Buffer): string[] {
  const s = pdf.toString('latin1')
  const outlines = /\/Type \/Outlines\s*\/First (\d+) 0 R[\s\S]*?\/Count (\d+)/.exec(s)
  if (!outlines) return []
  const titles: string[] = []
  for (const m of s.matchAll(/(\d+) 0 obj\s*<<\/Title (\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)/g)) {
    const raw = m[2]
    if (raw.startsWith('<')) {
      const bytes = Buffer.from(raw.slice(1, -1), 'hex')
      // UTF-16BE with a byte-order mark
      const chars: string[] = []
      for (let i = 2; i + 1 < bytes.length; i += 2)
        chars.push(String.fromCharCode(bytes.readUInt16BE(i)))
      titles.push(chars.join(''))
    } else titles.push(raw.slice(1, -1).replace(/\\(.)/g, '$1'))
  }
  return titles
}

/** Decodes a binary PPM (P6), as pdftoppm writes it without -png. */
function ppm(buf: Buffer): { width: number; height: number; data: Buffer } {
  const header = buf.toString('latin1', 0, 64).split(/\s+/)
  const [magic, w, h, max] = header
  expect(magic).toBe('P6')
  expect(max).toBe('255')
  // the data follows the 4th token and one whitespace byte
  let offset = 0
  for (let tokens = 0; tokens < 4;) {
    while (/\s/.test(String.fromCharCode(buf[offset]))) offset++
    while (!/\s/.test(String.fromCharCode(buf[offset]))) offset++
    tokens++
  }
  return { width: Number(w), height: Number(h), data: buf.subarray(offset + 1) }
}

describe('dexposure report', () => {
  it('writes a PDF with every section, the stats numbers, bookmarks and a drawn graph', () => {
    const out = join(dir, 'report.pdf')
    const r = runCli([
      '--archive',
      archive,
      'report',
      '--week',
      WEEK,
      '--horizon',
      '1',
      '--scenario',
      'top-protocol',
      '--scenario',
      'S1',
      '--format',
      'pdf',
      '--out',
      out,
    ])
    expect(r.code, r.stderr).toBe(0)
    // progress on stderr, the result on stdout
    expect(r.stderr).toMatch(/report \[/)
    expect(r.stdout).toMatch(/wrote .*report\.pdf \(PDF, a4/)
    expect(r.stdout).toMatch(/computed: forecast of 2025-08-11, h=1/)

    const all = text(out)
    for (const t of TITLES) expect(all).toContain(t)
    expect(all).toContain('SYNTHETIC')
    // the summary's figures are the numbers `dexposure stats --json` gives
    const stats = runCliJson<{ values: Record<string, number> }>([
      '--archive',
      archive,
      'stats',
      '--week',
      WEEK,
    ])
    const v = stats.values
    expect(all).toContain(`$${Math.round(v.total_tvl).toLocaleString('en-US')}`)
    expect(all).toContain(`$${Math.round(v.total_exposure).toLocaleString('en-US')}`)
    expect(all).toContain(`Nodes ${v.n_nodes.toLocaleString('en-US')}`)
    expect(all).toContain(`Edges ${v.n_edges.toLocaleString('en-US')}`)
    expect(all).toContain(`HHI of TVL ${v.tvl_hhi.toFixed(4)}`)
    // the command that reproduces it
    expect(all).toMatch(/dexposure --archive .* report --week 2025-08-11 --horizon 1/)

    const info = run('pdfinfo', [out])
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1])
    expect(pages).toBeGreaterThan(4)
    expect(info).toMatch(/Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/)
    expect(info).toMatch(/Tagged:\s+yes/)
    // page numbers in the footer
    expect(text(out, 2)).toContain(`page 2 of ${pages}`)

    const marks = bookmarks(readFileSync(out))
    for (const t of TITLES) expect(marks).toContain(t)

    // the page with the week's graph renders with a drawn network: many non-white pixels in
    // many colours (category colours of nodes, grey edges), not a blank frame
    let graphPage = 0
    for (let p = 1; p <= pages && !graphPage; p++)
      if (text(out, p).includes(`DeXposure exposure network — week of ${WEEK}`)) graphPage = p
    expect(graphPage).toBeGreaterThan(0)
    const img = ppm(
      execFileSync('pdftoppm', ['-r', '50', '-f', String(graphPage), '-l', String(graphPage), out]),
    )
    let inked = 0
    const colours = new Set<number>()
    for (let i = 0; i + 2 < img.data.length; i += 3) {
      const [r0, g0, b0] = [img.data[i], img.data[i + 1], img.data[i + 2]]
      if (r0 + g0 + b0 < 700) {
        inked++
        colours.add(((r0 >> 4) << 8) | ((g0 >> 4) << 4) | (b0 >> 4))
      }
    }
    expect(inked / (img.width * img.height)).toBeGreaterThan(0.03)
    expect(colours.size).toBeGreaterThan(20)
  }, 180_000)

  it('writes one self-contained HTML file with every section and no external URL', () => {
    const out = join(dir, 'report.html')
    const r = runCliJson<{ path: string; format: string; paper: string; computed: string[] }>([
      '--archive',
      archive,
      'report',
      '--week',
      WEEK,
      '--horizon',
      '1',
      '--scenario',
      'top-protocol',
      '--paper',
      'letter',
      '--out',
      out,
    ])
    expect(r).toMatchObject({ path: out, format: 'html', paper: 'letter' })
    // the forecast stored by the PDF run is read back, not computed again
    expect(r.computed.some((c) => c.startsWith('forecast'))).toBe(false)
    const html = readFileSync(out, 'utf8')
    for (const t of TITLES) expect(html).toContain(`<h2>${t}</h2>`)
    expect(html).toMatch(/@page \{ size: Letter;/)
    // every URL in the file is an XML namespace name (never fetched), none a resource
    const urls = [...html.matchAll(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"'<)]*/gi)].map(
      (m) => m[0],
    )
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']))
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i)
    expect(html).not.toMatch(/url\(/i)
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThan(5)
  }, 120_000)

  it('prints on Letter paper when asked, with the chosen sections as bookmarks', () => {
    const out = join(dir, 'letter.pdf')
    const r = runCli([
      '--archive',
      archive,
      'report',
      '--week',
      WEEK,
      '--section',
      'summary',
      '--section',
      'provenance',
      '--paper',
      'letter',
      '--format',
      'pdf',
      '--out',
      out,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/wrote .*letter\.pdf \(PDF, letter/)
    const info = run('pdfinfo', [out])
    expect(info).toMatch(/Page size:\s+612(\.\d+)? x 792(\.\d+)? pts \(letter\)/)
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1])
    expect(text(out, 1)).toContain(`page 1 of ${pages}`)
    const marks = bookmarks(readFileSync(out))
    expect(marks).toContain(REPORT_SECTION_TITLES.summary)
    expect(marks).toContain(REPORT_SECTION_TITLES.provenance)
    expect(marks).not.toContain(REPORT_SECTION_TITLES.sis)
  }, 180_000)

  it('refuses a bad request with the documented exit codes', () => {
    const base = ['--archive', archive, 'report', '--out', join(dir, 'x.html')]
    expect(runCli([...base]).code).toBe(2) // no --week
    expect(runCli([...base, '--week', WEEK, '--scenario', 'nope']).code).toBe(2)
    expect(runCli([...base, '--week', WEEK, '--section', 'nope']).code).toBe(2)
    expect(runCli([...base, '--week', '2030-01-07']).code).toBe(5)
    expect(runCli([...base, '--week', WEEK, '--horizon', '3']).code).toBe(5)
  })
})
