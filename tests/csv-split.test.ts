import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvSplitter } from '../sources/csv-split.ts';

function split(text: string, delimiter = ';', chunk = 7) {
  const s = new CsvSplitter(delimiter);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk), rows, lines);
  s.end(rows, lines);
  return { rows, lines };
}

describe('CSV splitting', () => {
  it('cuts plain lines, CRLF and a last line without newline', () => {
    expect(split('a;b\r\nc;d\ne;f')).toEqual({
      rows: [
        ['a', 'b'],
        ['c', 'd'],
        ['e', 'f'],
      ],
      lines: [1, 2, 3],
    });
  });

  it('handles quotes, doubled quotes, delimiters and newlines inside quotes, at any chunk size', () => {
    const text = 'naam;adres\n"Jansen; J.";"Kerkweg ""oud"" 1"\n"regel1\nregel2\r\nregel3";x\nlaatste;"y"\n';
    for (const chunk of [1, 2, 3, 5, 8, 1000]) {
      expect(split(text, ';', chunk)).toEqual({
        rows: [
          ['naam', 'adres'],
          ['Jansen; J.', 'Kerkweg "oud" 1'],
          ['regel1\nregel2\r\nregel3', 'x'],
          ['laatste', 'y'],
        ],
        lines: [1, 2, 3, 6],
      });
    }
  });

  it('keeps empty lines as empty rows so line numbers stay physical', () => {
    expect(split('a\n\nb\n')).toEqual({ rows: [['a'], [''], ['b']], lines: [1, 2, 3] });
  });

  it('refuses a quote that is never closed', () => {
    expect(() => split('a;"b\nc')).toThrow(/regel 1 wordt nooit gesloten/);
  });

  it('agrees with Papa Parse on a varied sample', () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      [String(i), i % 7 === 0 ? `"met ""quote"" ${i}"` : `veld${i}`, i % 11 === 0 ? '"multi\nline"' : '', i % 5 === 0 ? '"a,b;c"' : 'x'].join(','),
    );
    const text = 'a,b,c,d\n' + rows.join('\n') + '\n';
    const ours = split(text, ',', 13).rows;
    const papa = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
    expect(ours).toEqual(papa);
  });
});
