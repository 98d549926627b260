/**
 * CSV for Dutch Excel: `;` separator, UTF-8 with BOM, CRLF. Text that Excel would read as a
 * formula (=, +, -, @, tab, CR, LF at the start) gets a leading apostrophe; numeric columns are
 * written as numbers and never touched, so -12.5 stays -12.5.
 *
 * Identifier columns (BAG ids: 16 digits, leading zero) are the one place this file writes a
 * formula itself, ="0632010000000003", and only around a value of digits alone. Excel reads a
 * bare digit string as a number: it drops the leading zero and keeps 15 significant digits, so
 * the id an analyst looks up would be wrong.
 */
export type Cell = string | number | null | undefined | Date;

export interface CsvColumn<R> {
  header: string;
  value: (row: R) => Cell;
  numeric?: boolean;
  /** Digits that must stay text in Excel (see above); anything else in it is written as text. */
  identifier?: boolean;
}

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r\n]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatCell(cell: Cell, numeric: boolean, identifier: boolean): string {
  if (cell === null || cell === undefined) return '';
  if (identifier && typeof cell === 'string' && /^\d+$/.test(cell)) return quote(`="${cell}"`);
  if (cell instanceof Date) return cell.toISOString().slice(0, 19).replace('T', ' ');
  if (numeric && typeof cell === 'number' && Number.isFinite(cell)) return String(cell).replace('.', ',');
  return quote(neutralise(String(cell)));
}

export function toCsv<R>(columns: CsvColumn<R>[], rows: Iterable<R>): string {
  const lines = [columns.map((c) => quote(c.header)).join(';')];
  for (const row of rows) lines.push(columns.map((c) => formatCell(c.value(row), c.numeric ?? false, c.identifier ?? false)).join(';'));
  return BOM + lines.join('\r\n') + '\r\n';
}
