import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Session } from '../lib/db.ts';
import { toCsv, type CsvColumn } from './csv.ts';

export interface ReportRow {
  signal_id: string;
  rule_code: string;
  rule_title: string | null;
  severity: string;
  verblijfsobject_id: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  straat: string | null;
  woonplaats: string | null;
  explanation: string;
  first_seen_at: Date;
  is_new: boolean;
  score: string | null;
  triage_status: string | null;
  gemeentecode: string;
  gemeente_naam: string;
}

export const REPORT_COLUMNS: CsvColumn<ReportRow>[] = [
  { header: 'Signaal', value: (r) => Number(r.signal_id), numeric: true },
  { header: 'Regel', value: (r) => r.rule_code },
  { header: 'Omschrijving regel', value: (r) => r.rule_title },
  { header: 'Ernst', value: (r) => r.severity },
  { header: 'Verblijfsobject', value: (r) => r.verblijfsobject_id, identifier: true },
  { header: 'Straat', value: (r) => r.straat },
  { header: 'Huisnummer', value: (r) => r.huisnummer, numeric: true },
  { header: 'Huisletter', value: (r) => r.huisletter },
  { header: 'Toevoeging', value: (r) => r.huisnummertoevoeging },
  { header: 'Postcode', value: (r) => r.postcode },
  { header: 'Woonplaats', value: (r) => r.woonplaats },
  { header: 'Uitleg', value: (r) => r.explanation },
  { header: 'Score', value: (r) => (r.score === null ? null : Number(r.score)), numeric: true },
  { header: 'Nieuw', value: (r) => (r.is_new ? 'ja' : 'nee') },
  { header: 'Triage', value: (r) => r.triage_status?.replace('_', ' ') },
  { header: 'Eerst gezien', value: (r) => r.first_seen_at },
  // Last, so that a sheet built on the columns before it still fits; 0000 in a warehouse of one.
  { header: 'Gemeente', value: (r) => `${r.gemeentecode} ${r.gemeente_naam}` },
];

const REPORT_SELECT = `
  SELECT s.id AS signal_id, s.rule_code, r.title AS rule_title, s.severity, s.verblijfsobject_id,
    n.postcode, n.huisnummer, n.huisletter, n.huisnummertoevoeging, n.openbareruimte AS straat, n.woonplaats,
    s.explanation, s.first_seen_at, s.score::text AS score, s.triage_status, s.gemeentecode, s.gemeente_naam,
    (s.first_seen_run > $1 OR coalesce(s.worsened_run, 0) > $1) AS is_new
  FROM pakhuis.signals s
  LEFT JOIN pakhuis.rules r ON r.code = s.rule_code
  LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = s.verblijfsobject_id
  LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id`;
const REPORT_ORDER = `ORDER BY CASE s.severity WHEN 'hoog' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END, s.rule_code, n.postcode, n.huisnummer, s.id`;

/** All open signals with their address; `sinceRun` marks those first seen or worsened after it as new. */
export async function openSignals(db: Pick<Session, 'query'>, sinceRun = 0): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportRow>(`${REPORT_SELECT} WHERE s.status = 'open' ${REPORT_ORDER}`, [sinceRun]);
  return rows;
}

/** The given signals with their address, in report order. */
export async function signalsById(db: Pick<Session, 'query'>, ids: number[], sinceRun = 0): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportRow>(`${REPORT_SELECT} WHERE s.id = ANY ($2::bigint[]) ${REPORT_ORDER}`, [sinceRun, ids]);
  return rows;
}

/** The report as CSV text; warnings (stale sources, refused files) stand above the table. */
export function reportCsv(rows: ReportRow[], warnings: string[] = []): string {
  const csv = toCsv(REPORT_COLUMNS, rows);
  if (warnings.length === 0) return csv;
  const head = warnings.map((w) => toCsv([{ header: `Waarschuwing: ${w}`, value: () => null }], []).slice(1).trimEnd()).join('\r\n');
  return '\uFEFF' + head + '\r\n' + csv.slice(1);
}

export async function writeReport(outDir: string, name: string, rows: ReportRow[], warnings: string[] = []): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = resolve(join(outDir, name));
  await writeFile(path, reportCsv(rows, warnings), 'utf8');
  return path;
}
