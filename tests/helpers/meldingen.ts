import { day, dmy } from './registers.ts';

/** One row of a meldpunt export, as the tests write it. */
export interface MeldingRow {
  id: string;
  /** Days before today it was received. */
  daysAgo: number;
  kanaal: string;
  ref?: string;
  categorie?: string;
  vbo?: string;
  postcode?: string;
  huisnummer?: number;
  tekst?: string;
  /** The date cell as written, instead of daysAgo. */
  datum?: string;
}

export const MELDING_HEADER = ['Meldingsnummer', 'Datum ontvangst', 'Bron', 'Afdeling', 'Thema', 'VBO', 'PC', 'Huisnr', 'Toelichting'];

export function meldingCells(m: MeldingRow): (string | number | null)[] {
  return [
    m.id,
    m.datum ?? dmy(day(-m.daysAgo)),
    m.kanaal,
    m.ref ?? null,
    m.categorie ?? 'drugs',
    m.vbo ?? null,
    m.postcode ?? null,
    m.huisnummer ?? null,
    m.tekst ?? null,
  ];
}

/** A `;`-separated export with quoted free text, as a form tool saves it for Dutch Excel. */
export function meldingenCsv(rows: MeldingRow[]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\uFEFF' + [MELDING_HEADER.join(';'), ...rows.map((r) => meldingCells(r).map(cell).join(';'))].join('\r\n') + '\r\n';
}
