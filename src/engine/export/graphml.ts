// GraphML (yEd, Cytoscape, networkx, igraph) of one week, forecast graph or view. graphology's
// GraphML package (graphology-graphml 0.5) only parses, so the file is streamed here: typed <key>
// declarations, one <node> and <edge> per item with <data>, text escaped by xml.ts. A range of
// weeks is refused (graph-export.ts): GraphML has no time model.
import type { WriteCounts } from './gexf'
import type { ExportSource, GraphSlice } from './source'
import { xmlAttr, xmlNumber } from './xml'

const FLUSH = 1 << 20

export function graphml(
  source: ExportSource,
  slice: GraphSlice,
  out: (text: string) => void,
): WriteCounts {
  const hasSis = slice.sis !== null && slice.sis.some((v) => Number.isFinite(v))
  const keys = [
    ['d_label', 'node', 'label', 'string'],
    ['d_tvl', 'node', 'tvl', 'double'],
    ['d_category', 'node', 'category', 'string'],
    ['d_sector', 'node', 'sector', 'string'],
    ['d_kind', 'node', 'kind', 'string'],
    ...(hasSis ? [['d_sis', 'node', 'sis', 'double']] : []),
    ['d_weight', 'edge', 'weight', 'double'],
    ...(slice.probability ? [['d_probability', 'edge', 'probability', 'double']] : []),
  ]
  let text =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n' +
    `<!-- ${xmlAttr(source.description + (source.synthetic ? ' — SYNTHETIC demo data' : '')).replace(/--/g, '- -')} -->\n` +
    keys
      .map(
        ([id, on, name, type]) =>
          `<key id="${id}" for="${on}" attr.name="${name}" attr.type="${type}"/>\n`,
      )
      .join('') +
    `<graph id="${xmlAttr(slice.week)}" edgedefault="directed">\n`
  const ids = slice.nodeIds.map(xmlAttr)
  for (let i = 0; i < ids.length; i++) {
    text +=
      `<node id="${ids[i]}"><data key="d_label">${xmlAttr(slice.names[i] ?? slice.nodeIds[i])}</data>` +
      `<data key="d_tvl">${xmlNumber(slice.sizes[i])}</data>` +
      `<data key="d_category">${xmlAttr(slice.categories[i])}</data>` +
      `<data key="d_sector">${xmlAttr(slice.sectors[i])}</data>` +
      `<data key="d_kind">${slice.kinds[i]}</data>` +
      (hasSis && Number.isFinite(slice.sis![i])
        ? `<data key="d_sis">${xmlNumber(slice.sis![i])}</data>`
        : '') +
      '</node>\n'
    if (text.length > FLUSH) {
      out(text)
      text = ''
    }
  }
  for (let j = 0; j < slice.edgeSrc.length; j++) {
    text +=
      `<edge id="e${j}" source="${ids[slice.edgeSrc[j]]}" target="${ids[slice.edgeDst[j]]}">` +
      `<data key="d_weight">${xmlNumber(slice.edgeWeight[j])}</data>` +
      (slice.probability
        ? `<data key="d_probability">${xmlNumber(slice.probability[j])}</data>`
        : '') +
      '</edge>\n'
    if (text.length > FLUSH) {
      out(text)
      text = ''
    }
  }
  out(text + '</graph>\n</graphml>\n')
  return { nodes: ids.length, edges: slice.edgeSrc.length }
}
