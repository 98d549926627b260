// @ts-check
/**
 * Parses one workbook in a worker thread (started by ./xlsx.ts).
 *
 * Plain JavaScript, type-checked through JSDoc, so that the worker starts without the TypeScript
 * loader: registering tsx in a worker costs a loader thread of its own and some 0.5 s of CPU, and
 * SheetJS's CommonJS build with its codepage tables another 0.2 s, on a two-core machine whose
 * other core is the database's during the ingest. The ES module build has no codepage tables:
 * they serve the pre-2007 .xls and old text encodings, and ./xlsx.ts lets only zip workbooks
 * through.
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
import * as XLSX from 'xlsx/xlsx.mjs';

const BATCH_ROWS = 2000;

/** @typedef {import('./xlsx.ts').WorkerMessage} WorkerMessage */
/** @typedef {{ data: Uint8Array, sheet?: string }} Input */

const port = parentPort;
if (!port) throw new Error('xlsx-worker.js must run as a worker thread');
const parent = port;

// Prototypes are deliberately not frozen here: SheetJS assigns keys taken from the file (sheet
// names, for one) to plain objects, and a frozen Object.prototype silently drops keys such as
// "constructor" (the override mistake). Pollution inside this isolate gains a crafted file
// nothing it could not write into its cells directly, and it ends with the worker.

/** @param {WorkerMessage} message */
function post(message) {
  parent.postMessage(message);
}

/** @returns {Promise<void>} */
function waitForNext() {
  return new Promise((resolve) => parent.once('message', () => resolve()));
}

/**
 * @param {import('xlsx').WorkBook} workbook
 * @param {string | undefined} wanted
 * @returns {{ name: string, sheet: import('xlsx').WorkSheet }}
 */
function pickSheet(workbook, wanted) {
  const names = workbook.SheetNames;
  if (names.length === 0) throw new UserError('de werkmap bevat geen bladen');
  let name = /** @type {string} */ (names[0]);
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
/**
 * @param {import('xlsx').CellObject | undefined | null} cell
 * @returns {string}
 */
function cellText(cell) {
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
/**
 * @param {import('xlsx').WorkSheet} sheet
 * @returns {(r: number, c: number) => import('xlsx').CellObject | undefined}
 */
function cellGetter(sheet) {
  /** @type {unknown} */
  const dense = Array.isArray(sheet) ? sheet : /** @type {{ '!data'?: unknown }} */ (sheet)['!data'];
  if (Array.isArray(dense)) {
    return (r, c) => /** @type {(import('xlsx').CellObject | undefined)[] | undefined | null} */ (dense[r])?.[c] ?? undefined;
  }
  return (r, c) => /** @type {import('xlsx').CellObject | undefined} */ (sheet[XLSX.utils.encode_cell({ r, c })]);
}

class UserError extends Error {}

/** @param {Input} input */
async function main(input) {
  /** @type {import('xlsx').WorkBook} */
  let workbook;
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
    throw new UserError(`werkmap kon niet worden gelezen: ${/** @type {Error} */ (error).message}`);
  }
  const { name, sheet } = pickSheet(workbook, input.sheet);
  post({ type: 'sheet', name });
  const ref = sheet['!ref'];
  if (ref) {
    const range = XLSX.utils.decode_range(ref);
    const get = cellGetter(sheet);
    /** @type {[number, string[]][]} */
    let batch = [];
    for (let r = range.s.r; r <= range.e.r; r++) {
      /** @type {string[]} */
      const cells = [];
      for (let c = 0; c <= range.e.c; c++) cells.push(cellText(get(r, c)));
      // A stray cell far to the right widens the range of every row; do not ship the blanks.
      while (cells.length > 0 && cells[cells.length - 1]?.trim() === '') cells.pop();
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

parent.once('message', (/** @type {Input} */ input) => {
  void main(input).catch((/** @type {unknown} */ error) => {
    const message =
      error instanceof UserError ? error.message : `werkmap kon niet worden gelezen: ${String(/** @type {Error | undefined} */ (error)?.message ?? error)}`;
    post({ type: 'error', message });
  });
});
