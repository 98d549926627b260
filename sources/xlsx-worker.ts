/**
 * Parses one workbook in a worker thread (started by ./xlsx.ts).
 *
 * SheetJS 0.18.5 has known advisories for crafted files (prototype pollution, ReDoS) and holds
 * the whole workbook in memory. Running it here confines all three: a polluted prototype lives
 * and dies in this isolate, a hang is ended by terminate(), and memory is capped by
 * resourceLimits. Only arrays of strings are posted back; structured clone drops prototypes.
 *
 * Protocol: the worker loads SheetJS first, then waits for the workbook, so that it can be started
 * before the workbook is known (prewarmXlsxParser in ./xlsx.ts); each worker parses one workbook.
 *   <- { data: Uint8Array, sheet?: string }  the workbook (its buffer transferred)
 *   -> { type: 'sheet', name }            after parsing
 *   -> { type: 'rows', rows: [n, cells][] } one batch; then waits for 'next' from the parent
 *   -> { type: 'end' }
 *   -> { type: 'error', message }         the file cannot be read (message is Dutch, for users)
 */
import { parentPort } from 'node:worker_threads';
import * as XLSX from 'xlsx';

const BATCH_ROWS = 2000;

export type WorkerMessage =
  { type: 'sheet'; name: string } | { type: 'rows'; rows: [number, string[]][] } | { type: 'end' } | { type: 'error'; message: string };

interface Input {
  data: Uint8Array;
  sheet?: string;
}

const port = parentPort;
if (!port) throw new Error('xlsx-worker.ts must run as a worker thread');

// Prototypes are deliberately not frozen here: SheetJS assigns keys taken from the file (sheet
// names, for one) to plain objects, and a frozen Object.prototype silently drops keys such as
// "constructor" (the override mistake). Pollution inside this isolate gains a crafted file
// nothing it could not write into its cells directly, and it ends with the worker.

function post(message: WorkerMessage): void {
  port!.postMessage(message);
}

function waitForNext(): Promise<void> {
  return new Promise((resolve) => port!.once('message', () => resolve()));
}

function pickSheet(workbook: XLSX.WorkBook, wanted: string | undefined): { name: string; sheet: XLSX.WorkSheet } {
  const names = workbook.SheetNames;
  if (names.length === 0) throw new UserError('de werkmap bevat geen bladen');
  let name = names[0]!;
  if (wanted !== undefined) {
    const found = names.find((n) => n === wanted) ?? names.find((n) => n.trim().toLowerCase() === wanted.trim().toLowerCase());
    if (found === undefined) {
      throw new UserError(`blad "${wanted}" niet gevonden; aanwezige bladen: ${names.map((n) => `"${n}"`).join(', ')}`);
    }
    name = found;
  }
  // A sheet named like an Object.prototype member is not an own property; never read through the prototype.
  const sheet = Object.prototype.hasOwnProperty.call(workbook.Sheets, name) ? workbook.Sheets[name] : undefined;
  if (!sheet) throw new UserError(`blad "${name}" kan niet worden gelezen; geef het blad een andere naam`);
  return { name, sheet };
}

/**
 * Stored values, not displayed text: dates arrive as Excel serial day numbers ("45292"), so the
 * result does not depend on the cell format or the locale of whoever saved the file.
 */
function cellText(cell: XLSX.CellObject | undefined | null): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  switch (cell.t) {
    case 'n':
      return String(cell.v);
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
      return cell.w ?? '#ERROR';
    case 'd':
      return cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v);
    default:
      return typeof cell.v === 'string' ? cell.v : String(cell.v);
  }
}

/** 0.18.5 stores a dense sheet as an array of rows; later versions as sheet['!data']. */
function cellGetter(sheet: XLSX.WorkSheet): (r: number, c: number) => XLSX.CellObject | undefined {
  const dense: unknown = Array.isArray(sheet) ? sheet : (sheet as { '!data'?: unknown })['!data'];
  if (Array.isArray(dense)) {
    return (r, c) => (dense[r] as (XLSX.CellObject | undefined)[] | undefined | null)?.[c] ?? undefined;
  }
  return (r, c) => sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
}

class UserError extends Error {}

async function main(input: Input): Promise<void> {
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(input.data, {
      type: 'buffer',
      cellDates: false,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      dense: true,
    });
  } catch (error) {
    throw new UserError(`werkmap kon niet worden gelezen: ${(error as Error).message}`);
  }
  const { name, sheet } = pickSheet(workbook, input.sheet);
  post({ type: 'sheet', name });
  const ref = sheet['!ref'];
  if (ref) {
    const range = XLSX.utils.decode_range(ref);
    const get = cellGetter(sheet);
    let batch: [number, string[]][] = [];
    for (let r = range.s.r; r <= range.e.r; r++) {
      const cells: string[] = [];
      for (let c = 0; c <= range.e.c; c++) cells.push(cellText(get(r, c)));
      // A stray cell far to the right widens the range of every row; do not ship the blanks.
      while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
      if (cells.length === 0) continue;
      batch.push([r + 1, cells]);
      if (batch.length >= BATCH_ROWS) {
        post({ type: 'rows', rows: batch });
        batch = [];
        await waitForNext();
      }
    }
    if (batch.length > 0) {
      post({ type: 'rows', rows: batch });
      await waitForNext();
    }
  }
  post({ type: 'end' });
}

port.once('message', (input: Input) => {
  void main(input).catch((error: unknown) => {
    const message = error instanceof UserError ? error.message : `werkmap kon niet worden gelezen: ${String((error as Error)?.message ?? error)}`;
    post({ type: 'error', message });
  });
});
