import { open, stat } from 'node:fs/promises';
import type { Logger } from './logger.ts';

/**
 * Progress of a long ingest: a bar on a terminal, a log line every few seconds elsewhere. The
 * total is estimated from the file size and the line length in its first 256 KB (CSV); other
 * formats report rows and rate without an ETA.
 */
export class Progress {
  #rows = 0;
  #lastReport = 0;
  readonly #started = Date.now();

  private constructor(
    readonly label: string,
    readonly estimatedRows: number | null,
    readonly log: Logger,
    readonly tty: NodeJS.WriteStream | null,
    readonly everyMs: number,
  ) {}

  static async forFile(path: string, label: string, log: Logger, options: { minBytes?: number; everyMs?: number; tty?: NodeJS.WriteStream | null } = {}): Promise<Progress | null> {
    const s = await stat(path).catch(() => null);
    if (!s || !s.isFile() || s.size < (options.minBytes ?? 20 * 1024 * 1024)) return null;
    const tty = options.tty !== undefined ? options.tty : process.stderr.isTTY ? process.stderr : null;
    return new Progress(label, /\.(csv|txt|tsv)$/i.test(path) ? await estimateRows(path, s.size) : null, log, tty, options.everyMs ?? (tty ? 250 : 5000));
  }

  /** Called per row; cheap unless a report is due. */
  tick(): void {
    if ((++this.#rows & 4095) !== 0) return;
    this.#reportIfDue();
  }

  /** For rows counted elsewhere (a worker thread's piece). */
  advance(rows: number): void {
    this.#rows += rows;
    this.#reportIfDue();
  }

  #reportIfDue(): void {
    const now = Date.now();
    if (now - this.#lastReport < this.everyMs) return;
    this.#lastReport = now;
    this.#report(now, false);
  }

  done(): void {
    this.#report(Date.now(), true);
  }

  #report(now: number, done: boolean): void {
    const seconds = Math.max(0.001, (now - this.#started) / 1000);
    const rate = Math.round(this.#rows / seconds);
    const total = this.estimatedRows ? Math.max(this.estimatedRows, this.#rows) : null;
    const fraction = done ? 1 : total ? this.#rows / total : null;
    const eta = fraction && rate > 0 && total ? Math.max(0, Math.round((total - this.#rows) / rate)) : null;
    if (this.tty) {
      const width = 30;
      const bar = fraction === null ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
      this.tty.write(`\r${this.label} ${bar}${this.#rows.toLocaleString('nl-NL')} rijen, ${rate.toLocaleString('nl-NL')}/s${eta !== null && !done ? `, nog ~${eta} s` : ''}${done ? '\n' : ''}`);
    } else if (!done) {
      this.log.info({ file: this.label, rows: this.#rows, rowsPerSecond: rate, percent: fraction === null ? undefined : Math.round(fraction * 100), etaSeconds: eta ?? undefined }, 'ingest progress');
    }
  }
}

async function estimateRows(path: string, size: number): Promise<number | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size, 256 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let lines = 0;
    for (let i = 0; i < bytesRead; i++) if (buffer[i] === 10) lines++;
    return lines > 1 ? Math.round(size / (bytesRead / lines)) - 1 : null;
  } finally {
    await handle.close();
  }
}
