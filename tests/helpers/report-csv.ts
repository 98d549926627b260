import Papa from 'papaparse';

/**
 * The rows of a report CSV after its header line (warnings above it skipped), as header name to
 * cell text, with identifiers unwrapped from the ="…" that keeps them text in Excel.
 */
export function reportRows(csv: string): Record<string, string>[] {
  const { data } = Papa.parse<string[]>(csv.replace(/^\uFEFF/, '').trim(), { delimiter: ';' });
  const start = data.findIndex((row) => row[0] === 'Signaal');
  const header = data[start]!;
  return data.slice(start + 1).map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]!.replace(/^="(\d+)"$/, '$1')])));
}
