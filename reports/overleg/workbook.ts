import * as XLSX from 'xlsx';
import { trendTable } from '../trend-chart.ts';
import type { TrendData } from '../trend-data.ts';
import type { Column, Section } from './layout.ts';

const DAY = 86_400_000;
const serial = (iso: string) => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / DAY);

/**
 * A cell of our own making: every text is a string cell, which no spreadsheet evaluates, so a
 * formula typed into a register or a melder reference stays text. BAG ids are string cells with
 * the text format, so Excel keeps their leading zero and all 16 digits.
 */
function cell(value: string | number | null, kind: Column<unknown>['kind']): XLSX.CellObject | undefined {
  if (value === null || value === '') return undefined;
  if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return { t: 'n', v: serial(value), z: 'dd-mm-yyyy' };
  if (kind === 'number' && typeof value === 'number') return { t: 'n', v: value };
  if (kind === 'id') return { t: 's', v: String(value), z: '@' };
  return { t: 's', v: String(value) };
}

function sheet(header: string[], rows: (XLSX.CellObject | undefined)[][], widths: number[]): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  header.forEach((h, c) => (ws[XLSX.utils.encode_cell({ r: 0, c })] = { t: 's', v: h }));
  rows.forEach((row, r) => row.forEach((value, c) => value && (ws[XLSX.utils.encode_cell({ r: r + 1, c })] = value)));
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(rows.length, 1), c: header.length - 1 } });
  ws['!cols'] = widths.map((wch) => ({ wch }));
  if (rows.length > 0) ws['!autofilter'] = { ref: XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: rows.length, c: header.length - 1 } }) };
  return ws;
}

export interface WorkbookInput {
  title: string;
  lines: string[];
  sections: Section<any>[];
  trend: TrendData;
}

/** The overview as an XLSX workbook: a cover sheet, one sheet per section, and the trend's numbers. */
export function overlegWorkbook(input: WorkbookInput): Buffer {
  const wb = XLSX.utils.book_new();
  const cover = XLSX.utils.aoa_to_sheet([
    [input.title],
    [],
    ...input.lines.map((l) => [l]),
    [],
    ...input.sections.map((s) => [`${s.title}: ${s.rows.length}`]),
  ]);
  cover['!cols'] = [{ wch: 110 }];
  XLSX.utils.book_append_sheet(wb, cover, 'Overzicht');
  for (const section of input.sections) {
    const widths = section.columns.map((c) =>
      c.kind === 'id' ? 18 : c.header === 'Uitleg' || c.header === 'Omschrijving' ? 80 : Math.max(12, c.header.length + 2),
    );
    const rows = section.rows.map((row) => section.columns.map((c) => cell(c.value(row), c.kind)));
    XLSX.utils.book_append_sheet(
      wb,
      sheet(
        section.columns.map((c) => c.header),
        rows,
        widths,
      ),
      section.title,
    );
  }
  const { header, rows } = trendTable(input.trend);
  XLSX.utils.book_append_sheet(
    wb,
    sheet(
      header,
      rows.map((r) => r.map((v, i) => (i === 0 ? cell(String(v), 'text') : typeof v === 'number' ? cell(v, 'number') : undefined))),
      [30, ...header.slice(1).map(() => 10)],
    ),
    'Trend',
  );
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}
