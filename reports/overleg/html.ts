import { trendTableHtml } from '../trend-chart.ts';
import type { TrendData } from '../trend-data.ts';
import { dmy, type Section } from './layout.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PageInput {
  title: string;
  lines: string[];
  sections: Section<any>[];
  trend: TrendData;
  /** The chart as a data: URL (a page that stands alone), a cid: URL (e-mail), or none. */
  chartSrc?: string;
  chartSize?: { width: number; height: number };
}

const STYLE = `
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; color: #1a1a1a; margin: 24px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 4px; border-bottom: 2px solid #1f5fa8; }
  p.intro { color: #444; margin: 2px 0 8px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
  th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #e8eef6; } td.num { text-align: right; } td.id { font-family: "DejaVu Sans Mono", monospace; white-space: nowrap; }
  .leeg { color: #666; font-style: italic; }
  .waarschuwing { background: #fff4e0; border: 1px solid #e0a040; padding: 6px 10px; }
  img.trend { max-width: 100%; height: auto; border: 1px solid #ddd; }
  @media print { @page { size: A4 landscape; margin: 12mm; } body { margin: 0; } h2 { break-before: page; } h2.first { break-before: avoid; } tr { break-inside: avoid; } }`;

function cellHtml(value: string | number | null, kind: string | undefined): string {
  if (value === null || value === '') return '<td></td>';
  if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return `<td>${dmy(value)}</td>`;
  if (kind === 'number') return `<td class="num">${esc(String(value))}</td>`;
  if (kind === 'id') return `<td class="id">${esc(String(value))}</td>`;
  return `<td>${esc(String(value))}</td>`;
}

/** The overview as one printable HTML page, with the chart and its numbers. Everything is escaped. */
export function overlegHtml(input: PageInput): string {
  const body = input.sections.map((section, i) => {
    const table =
      section.rows.length === 0
        ? '<p class="leeg">Geen.</p>'
        : [
            '<table>',
            `<tr>${section.columns.map((c) => `<th>${esc(c.header)}</th>`).join('')}</tr>`,
            ...section.rows.map((row) => `<tr>${section.columns.map((c) => cellHtml(c.value(row), c.kind)).join('')}</tr>`),
            '</table>',
          ].join('\n');
    return `<h2${i === 0 ? ' class="first"' : ''}>${esc(section.title)} (${section.rows.length})</h2>\n<p class="intro">${esc(section.intro)}</p>\n${table}`;
  });
  const size = input.chartSize ? ` width="${input.chartSize.width}" height="${input.chartSize.height}"` : '';
  return [
    '<!doctype html>',
    '<html lang="nl"><head><meta charset="utf-8">',
    `<title>${esc(input.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${esc(input.title)}</h1>`,
    ...input.lines.map((l) => `<p>${esc(l)}</p>`),
    '<p class="waarschuwing">Vertrouwelijk: voor de deelnemers aan het ondermijningsoverleg. Signalen zijn aanwijzingen voor onderzoek, nooit besluiten. Dit overzicht bevat geen namen, BSN\'s of pseudoniemen.</p>',
    ...body,
    '<h2>Ontwikkeling over de laatste 12 maanden</h2>',
    input.chartSrc
      ? `<p><img class="trend" src="${esc(input.chartSrc)}"${size} alt="Grafiek: open signalen per regel en ontvangen meldingen per maand; de cijfers staan in de tabel hieronder"></p>`
      : '',
    trendTableHtml(input.trend),
    '</body></html>',
  ].join('\n');
}
