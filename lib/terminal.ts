/**
 * Text from the database or from input files, made safe to write to a terminal: every control
 * character but the line break, and every bidirectional override or isolate, is shown as a
 * visible escape (\u001b) instead of being obeyed. Names are cleaned at ingest; this also covers
 * what was stored before that, file names, and anything else a run prints.
 */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Rows under a header in columns two spaces apart, a rule of dashes under the header: the status tables' layout. */
export function textTable(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}
