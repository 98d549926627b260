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

  static async forFile(
    path: string,
    label: string,
    log: Logger,
    options: { minBytes?: number; everyMs?: number; tty?: NodeJS.WriteStream | null } = {},
  ): Promise<Progress | null> {
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
      this.tty.write(
        `\r${this.label} ${bar}${this.#rows.toLocaleString('nl-NL')} rijen, ${rate.toLocaleString('nl-NL')}/s${eta !== null && !done ? `, nog ~${eta} s` : ''}${done ? '\n' : ''}`,
      );
    } else if (!done) {
      this.log.info(
        {
          file: this.label,
          rows: this.#rows,
          rowsPerSecond: rate,
          percent: fraction === null ? undefined : Math.round(fraction * 100),
          etaSeconds: eta ?? undefined,
        },
        'ingest progress',
      );
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

export interface StepProgressOptions {
  /** The terminal to draw on; null for none. Default: stderr when it is a terminal. */
  tty?: NodeJS.WriteStream | null;
  /** Without a terminal, at most one log line per this many milliseconds (default 5000). */
  everyMs?: number;
}

/**
 * Progress through a known list of steps that count no rows, such as publishing (model scripts,
 * rules, the signal merge, the report): on a terminal a bar of steps done with the step now
 * running; elsewhere a log line when a step starts and the last line is `everyMs` old, so a
 * publish of minutes says where it is while a quick one says nothing.
 */
export class StepProgress {
  #done = 0;
  #lastReport = 0;
  readonly #started = Date.now();

  private constructor(
    readonly label: string,
    readonly total: number,
    readonly log: Logger,
    readonly tty: NodeJS.WriteStream | null,
    readonly everyMs: number,
  ) {}

  static start(label: string, total: number, log: Logger, options: StepProgressOptions = {}): StepProgress {
    const tty = options.tty !== undefined ? options.tty : process.stderr.isTTY ? process.stderr : null;
    const progress = new StepProgress(label, Math.max(1, total), log, tty, options.everyMs ?? 5000);
    progress.#lastReport = progress.#started;
    return progress;
  }

  /** The next step begins; the ones before it are done. */
  step(name: string): void {
    const now = Date.now();
    const index = this.#done++;
    const seconds = Math.round((now - this.#started) / 1000);
    if (this.tty) {
      this.tty.write(`\r\x1b[K${this.label} ${this.#bar(index)} ${index}/${this.total} ${name}, ${seconds} s`);
    } else if (now - this.#lastReport >= this.everyMs) {
      this.#lastReport = now;
      this.log.info({ label: this.label, step: name, stepsDone: index, steps: this.total, seconds }, 'publish progress');
    }
  }

  /** Ends the bar's line on a terminal, whether the steps succeeded or not. */
  end(succeeded: boolean): void {
    if (!this.tty) return;
    const seconds = Math.round((Date.now() - this.#started) / 1000);
    const done = succeeded ? this.total : this.#done;
    this.tty.write(`\r\x1b[K${this.label} ${this.#bar(done)} ${done}/${this.total} ${succeeded ? 'klaar' : 'afgebroken'} in ${seconds} s\n`);
  }

  #bar(done: number): string {
    const width = 30;
    return `[${'#'.repeat(Math.round((Math.min(done, this.total) / this.total) * width)).padEnd(width, '.')}]`;
  }
}
