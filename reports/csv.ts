/**
 * CSV for Dutch Excel: `;` separator, UTF-8 with BOM, CRLF. Text that Excel would read as a
 * formula (=, +, -, @, tab, CR, LF at the start) gets a leading apostrophe; numeric columns are
 * written as numbers and never touched, so -12.5 stays -12.5.
 */
export type Cell = string | number | null | undefined | Date;

export interface CsvColumn<R> {
  header: string;
  value: (row: R) => Cell;
  numeric?: boolean;
}

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r\n]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatCell(cell: Cell, numeric: boolean): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 19).replace('T', ' ');
  if (numeric && typeof cell === 'number' && Number.isFinite(cell)) return String(cell).replace('.', ',');
  return quote(neutralise(String(cell)));
}

export function toCsv<R>(columns: CsvColumn<R>[], rows: Iterable<R>): string {
  const lines = [columns.map((c) => quote(c.header)).join(';')];
  for (const row of rows) lines.push(columns.map((c) => formatCell(c.value(row), c.numeric ?? false)).join(';'));
  return BOM + lines.join('\r\n') + '\r\n';
}
