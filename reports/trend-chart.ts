import { existsSync } from 'node:fs';
import type { TrendData } from './trend-data.ts';
import { MELDPUNT } from './trend-data.ts';

/**
 * The trend as a picture every mail client shows: an SVG of small multiples (one bar panel per
 * rule, and one for the meldingen received) rasterised to PNG by resvg, a Rust renderer whose
 * prebuilt binary comes inside its npm package, so no browser is needed to draw it. The numbers
 * stand beside it as a table (trendTable), for screen readers and for anyone who prints in black.
 */
const WIDTH = 960;
const COLUMNS = 3;
const PANEL_W = 300;
const PANEL_H = 160;
const GAP_X = 15;
const GAP_Y = 18;
const TOP = 56;
const BOTTOM = 10;

export const MONTH_NAMES = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];

/** The picture's size for a number of panels: the width is fixed, the rows grow with the rules. */
export function chartSize(panels: number): { width: number; height: number } {
  const rows = Math.max(1, Math.ceil(panels / COLUMNS));
  return { width: WIDTH, height: TOP + rows * PANEL_H + (rows - 1) * GAP_Y + BOTTOM };
}

/** "nov 2026" for "2026-11". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]} ${y}`;
}

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function trendSvg(data: TrendData, title: string): string {
  const { width, height } = chartSize(data.series.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="15" y="24" font-size="16" font-weight="bold" fill="#1a1a1a">${xml(title)}</text>`,
    `<text x="15" y="44" font-size="11" fill="#555555">Open signalen aan het eind van elke maand per regel; meldingen: ontvangen in de maand. ${xml(monthLabel(data.months[0]!))} – ${xml(monthLabel(data.months.at(-1)!))}.</text>`,
  ];
  data.series.forEach((series, index) => {
    const x0 = 15 + (index % COLUMNS) * (PANEL_W + GAP_X);
    const y0 = TOP + Math.floor(index / COLUMNS) * (PANEL_H + GAP_Y);
    parts.push(panel(series.code, series.values, data.months, x0, y0));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function panel(code: string, values: (number | null)[], months: string[], x0: number, y0: number): string {
  const meldpunt = code === MELDPUNT;
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const plotTop = y0 + 30;
  const plotBottom = y0 + PANEL_H - 18;
  const plotH = plotBottom - plotTop;
  const slot = (PANEL_W - 10) / values.length;
  const out = [
    `<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="#f7f7f7" stroke="#dddddd"/>`,
    `<text x="${x0 + 6}" y="${y0 + 15}" font-size="11" font-weight="bold" fill="#1a1a1a">${xml(meldpunt ? 'Meldingen ontvangen' : code.length > 40 ? code.slice(0, 39) + '…' : code)}</text>`,
    `<text x="${x0 + PANEL_W - 6}" y="${y0 + 15}" font-size="10" text-anchor="end" fill="#555555">max ${max}</text>`,
    `<line x1="${x0 + 5}" y1="${plotBottom}" x2="${x0 + PANEL_W - 5}" y2="${plotBottom}" stroke="#999999"/>`,
  ];
  values.forEach((value, i) => {
    const x = x0 + 5 + i * slot;
    if (value !== null && value > 0) {
      const h = Math.max(1, Math.round((value / max) * plotH));
      out.push(
        `<rect x="${(x + 2).toFixed(1)}" y="${plotBottom - h}" width="${(slot - 4).toFixed(1)}" height="${h}" fill="${meldpunt ? '#c05a00' : '#1f5fa8'}"/>`,
      );
    }
    if (i === values.length - 1 && value !== null) {
      out.push(`<text x="${(x + slot / 2).toFixed(1)}" y="${plotTop - 3}" font-size="9" text-anchor="middle" fill="#1a1a1a">${value}</text>`);
    }
    const month = Number(months[i]!.slice(5, 7));
    out.push(
      `<text x="${(x + slot / 2).toFixed(1)}" y="${plotBottom + 12}" font-size="8" text-anchor="middle" fill="#555555">${MONTH_NAMES[month - 1]!.slice(0, 1)}</text>`,
    );
  });
  return out.join('');
}

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu'];

let renderer: Promise<typeof import('@resvg/resvg-js')> | undefined;

/** The renderer's native module, loaded once. */
function loadRenderer(): Promise<typeof import('@resvg/resvg-js')> {
  renderer ??= import('@resvg/resvg-js');
  renderer.catch(() => (renderer = undefined));
  return renderer;
}

/**
 * Starts loading the renderer, for a caller about to wait on the database (the nightly run while
 * it publishes): its native module then loads while the process would be idle, not after.
 */
export function prewarmChartRenderer(): void {
  loadRenderer().catch(() => {});
}

/** The chart as PNG. Throws when the renderer cannot load; callers decide whether that fails them. */
export async function renderTrendChart(data: TrendData, title: string): Promise<{ png: Buffer; width: number; height: number }> {
  const { Resvg } = await loadRenderer();
  const svg = trendSvg(data, title);
  const fontDirs = FONT_DIRS.filter((d) => existsSync(d));
  const resvg = new Resvg(svg, {
    // DejaVu is all the chart uses: scanning every system font besides it only costs time.
    font: { loadSystemFonts: fontDirs.length === 0, fontDirs, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  const image = resvg.render();
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height };
}

/** The chart's numbers: one row per rule (and the meldpunt), one column per month. */
export function trendTable(data: TrendData): { header: string[]; rows: (string | number)[][] } {
  return {
    header: ['Regel', ...data.months.map(monthLabel)],
    rows: data.series.map((s) => [s.code === MELDPUNT ? 'Meldingen ontvangen' : s.code, ...s.values.map((v) => (v === null ? '–' : v))]),
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function trendTableHtml(data: TrendData): string {
  const { header, rows } = trendTable(data);
  return [
    '<table class="trend" border="1" cellpadding="3" cellspacing="0">',
    `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`,
    ...rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(String(c))}</th>` : `<td>${esc(String(c))}</td>`)).join('')}</tr>`),
    '</table>',
  ].join('\n');
}

export function trendTableText(data: TrendData): string[] {
  const { header, rows } = trendTable(data);
  const width = Math.max(...rows.map((r) => String(r[0]).length), header[0]!.length);
  const months = data.months.map((m) => m.slice(2).replace('-', '/'));
  return [
    `${'Regel'.padEnd(width)}  ${months.map((m) => m.padStart(5)).join(' ')}`,
    ...rows.map(
      (r) =>
        `${String(r[0]).padEnd(width)}  ${r
          .slice(1)
          .map((c) => String(c).padStart(5))
          .join(' ')}`,
    ),
  ];
}
