import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { Session } from '../lib/db.ts';
import { kyselyOf } from '../lib/kysely.ts';
import { LOCAL_TIME_ZONE, localTime } from '../lib/local-time.ts';
import { toCsv, type CsvColumn } from './csv.ts';
import { writeXlsx } from './xlsx-writer.ts';

export interface ReportRow {
  /** int8: a string from pg, a number from PGlite. */
  signal_id: string | number;
  rule_code: string;
  rule_title: string | null;
  severity: string;
  verblijfsobject_id: string | null;
  address_source: string | null;
  adres: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  straat: string | null;
  woonplaats: string | null;
  explanation: string;
  first_seen_at: Date;
  /** nieuw: first seen after the run the report is since; verergerd: worse (or back) after it. */
  change: 'nieuw' | 'verergerd' | null;
  score: string | null;
  previous_score: string | null;
  previous_severity: string | null;
  triage_status: string | null;
  assigned_to: string | null;
  gemeentecode: string;
  gemeente_naam: string;
}

/** Numbers as a Dutch reader writes them: "4,4 m²", not "4.4 m2". Ids and dotted codes stay as they are. */
export function dutchNumbers(text: string): string {
  return text.replace(/(?<![\w.,-])(\d+)\.(\d{1,2})(?![\w.]|,\d)/g, '$1,$2').replace(/(\d)( ?)m2\b/g, '$1$2m²');
}

/**
 * The explanation in two: its first sentence, short enough for a column a person reads, and the
 * rest (how persons were linked, which permit, which other registers) as details.
 */
export function splitExplanation(text: string): { short: string; details: string } {
  const dutch = dutchNumbers(text);
  const end = /\.\s+(?=[A-Z0-9À-ÖØ-Þ])/.exec(dutch);
  if (!end) return { short: dutch, details: '' };
  return { short: dutch.slice(0, end.index + 1), details: dutch.slice(end.index + 1).trim() };
}

const SCORE_HELP = 'Score (hoger = erger, per regel)';

/** What the "Nieuw of verergerd" column says: for a worsened signal, also what it was. */
export function changeText(r: Pick<ReportRow, 'change' | 'previous_score' | 'previous_severity' | 'score' | 'severity'>): string {
  if (r.change === 'nieuw') return 'nieuw';
  if (r.change !== 'verergerd') return '';
  const was: string[] = [];
  if (r.previous_score !== null && r.previous_score !== r.score) was.push(`score ${dutchNumbers(String(Number(r.previous_score)))}`);
  if (r.previous_severity !== null && r.previous_severity !== r.severity) was.push(`ernst ${r.previous_severity}`);
  return was.length ? `verergerd (was ${was.join(', ')})` : 'verergerd (terug na opgelost)';
}

export interface ReportColumn extends CsvColumn<ReportRow> {
  /** Width in characters in the workbook. */
  width: number;
  /** What the column means, for the workbook's Toelichting sheet. */
  help: string;
  /** Hidden in the workbook (still there to sort and filter): the one-line address stands for it. */
  hidden?: boolean;
}

export const REPORT_COLUMNS: ReportColumn[] = [
  {
    header: 'Signaal',
    value: (r) => Number(r.signal_id),
    numeric: true,
    width: 9,
    help: 'Nummer van het signaal: gebruik het bij pakhuis triage en in signals.signal_details.',
  },
  { header: 'Regel', value: (r) => r.rule_code, width: 20, help: 'Code van de regel (zie signals.rules en de README).' },
  { header: 'Omschrijving regel', value: (r) => r.rule_title, width: 28, help: 'Wat de regel zoekt.' },
  { header: 'Ernst', value: (r) => r.severity, width: 8, help: 'laag, midden of hoog.' },
  {
    header: SCORE_HELP,
    value: (r) => (r.score === null ? null : Number(r.score)),
    numeric: true,
    width: 12,
    help: 'Het getal van de regel dat groeit als het erger wordt: bij de meeste regels het aantal betrokken personen, zaken of meldingen (de uitleg noemt het). Alleen binnen één regel te vergelijken.',
  },
  {
    header: 'Nieuw of verergerd',
    value: changeText,
    width: 18,
    help: 'nieuw: voor het eerst gezien sinds het vorige rapport; verergerd: hogere score of ernst (met de oude waarde) of terug nadat het was opgelost; leeg: al eerder gemeld en niet veranderd.',
  },
  { header: 'Adres', value: (r) => r.adres, width: 28, help: 'Het adres in één regel; bij een adres dat niet in de BAG staat zoals het werd opgegeven.' },
  { header: 'Straat', value: (r) => r.straat, width: 20, help: 'Straat volgens de BAG.', hidden: true },
  { header: 'Huisnummer', value: (r) => r.huisnummer, numeric: true, width: 8, help: 'Huisnummer.', hidden: true },
  { header: 'Huisletter', value: (r) => r.huisletter, width: 6, help: 'Huisletter.', hidden: true },
  { header: 'Toevoeging', value: (r) => r.huisnummertoevoeging, width: 8, help: 'Huisnummertoevoeging.', hidden: true },
  { header: 'Postcode', value: (r) => r.postcode, width: 9, help: 'Postcode.' },
  { header: 'Woonplaats', value: (r) => r.woonplaats, width: 14, help: 'Woonplaats volgens de BAG.', hidden: true },
  {
    header: 'Verblijfsobject',
    value: (r) => r.verblijfsobject_id,
    identifier: true,
    width: 18,
    help: 'BAG-identificatie (16 cijfers, als tekst); leeg als het adres niet in de BAG staat.',
  },
  { header: 'Uitleg', value: (r) => splitExplanation(r.explanation).short, width: 44, help: 'Waarom dit signaal er is, in één zin.' },
  {
    header: 'Details',
    value: (r) => splitExplanation(r.explanation).details,
    width: 44,
    help: 'De rest van de uitleg: hoe personen gekoppeld zijn, vergunningen, andere registers.',
  },
  {
    header: 'Triage',
    value: (r) => r.triage_status?.replace('_', ' '),
    width: 13,
    help: 'Het oordeel tot nu toe: in onderzoek, vals positief of afgehandeld; leeg: nog niet beoordeeld.',
  },
  { header: 'Toegewezen aan', value: (r) => r.assigned_to, width: 14, help: 'Wie het signaal behandelt (pakhuis triage --toegewezen).' },
  {
    header: `Eerst gezien (${LOCAL_TIME_ZONE})`,
    value: (r) => localTime(new Date(r.first_seen_at)),
    width: 20,
    help: `Wanneer het signaal voor het eerst verscheen, in de tijd van ${LOCAL_TIME_ZONE}.`,
  },
  // Last, so that a sheet built on the columns before it still fits; 0000 in a warehouse of one.
  { header: 'Gemeente', value: (r) => `${r.gemeentecode} ${r.gemeente_naam}`, width: 16, help: 'De gemeente waar het signaal over gaat (CBS-code en naam).' },
];

// Reads the analysts' view: an analyst login runs `pakhuis report --all` with the same query the
// nightly report runs as the loading role.
function reportSelect(db: Pick<Session, 'query'>, sinceRun: number) {
  return (
    kyselyOf(db)
      .selectFrom('signals.signal_details as d')
      .select([
        'd.signal_id',
        'd.rule_code',
        'd.rule_title',
        'd.severity',
        'd.verblijfsobject_id',
        'd.address_source',
        'd.adres',
        'd.postcode',
        'd.huisnummer',
        'd.huisletter',
        'd.huisnummertoevoeging',
        'd.straat',
        'd.woonplaats',
        'd.explanation',
        'd.first_seen_at',
        sql<string | null>`d.score::text`.as('score'),
        sql<string | null>`d.previous_score::text`.as('previous_score'),
        'd.previous_severity',
        'd.triage_status',
        'd.assigned_to',
        'd.gemeentecode',
        'd.gemeente_naam',
        sql<ReportRow['change']>`CASE WHEN d.first_seen_run > ${sinceRun} THEN 'nieuw' WHEN coalesce(d.worsened_run, 0) > ${sinceRun} THEN 'verergerd' END`.as(
          'change',
        ),
      ])
      .orderBy(sql`CASE d.severity WHEN 'hoog' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END`)
      .orderBy('d.rule_code')
      .orderBy('d.postcode')
      .orderBy('d.huisnummer')
      .orderBy('d.signal_id')
      // Not null in signal_store and its joins, which the view's columns do not say.
      .$narrowType<{
        signal_id: string | number;
        rule_code: string;
        severity: string;
        explanation: string;
        first_seen_at: Date;
        gemeentecode: string;
        gemeente_naam: string;
      }>()
  );
}

/** All open signals with their address; `sinceRun` marks those first seen or worsened after it. */
export async function openSignals(db: Pick<Session, 'query'>, sinceRun = 0): Promise<ReportRow[]> {
  return reportSelect(db, sinceRun).where('d.status', '=', 'open').execute();
}

/** The given signals with their address, in report order. */
export async function signalsById(db: Pick<Session, 'query'>, ids: number[], sinceRun = 0): Promise<ReportRow[]> {
  return reportSelect(db, sinceRun)
    .where(sql<boolean>`d.signal_id = ANY (${ids}::bigint[])`)
    .execute();
}

/** The last run that published, as an analyst may read it (signals.runs). */
export async function lastPublishedRun(db: Pick<Session, 'query'>): Promise<number> {
  const last = await kyselyOf(db)
    .selectFrom('signals.runs')
    .select((eb) => eb.fn.max('run_id').as('run_id'))
    .where('published', '=', true)
    .executeTakeFirst();
  return Number(last?.run_id ?? 1);
}

/** The report as CSV text; warnings (stale sources, refused files) stand above the table. */
export function reportCsv(rows: ReportRow[], warnings: string[] = []): string {
  const csv = toCsv(REPORT_COLUMNS, rows);
  if (warnings.length === 0) return csv;
  const head = warnings
    .map((w) =>
      toCsv([{ header: `Waarschuwing: ${w}`, value: () => null }], [])
        .slice(1)
        .trimEnd(),
    )
    .join('\r\n');
  return '\uFEFF' + head + '\r\n' + csv.slice(1);
}

/** The workbook beside a CSV report: same name, .xlsx. */
export const xlsxPathOf = (csvPath: string) => csvPath.replace(/\.csv$/i, '') + '.xlsx';

export async function writeReport(outDir: string, name: string, rows: ReportRow[], warnings: string[] = []): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = resolve(join(outDir, name));
  await writeFile(path, reportCsv(rows, warnings), 'utf8');
  await writeFile(xlsxPathOf(path), reportXlsx(rows, warnings));
  return path;
}

/**
 * The same report as a workbook: the columns at a readable width, long text wrapped, the header
 * frozen and filterable, and a second sheet that explains every column.
 */
export function reportXlsx(rows: ReportRow[], warnings: string[] = []): Buffer {
  return writeXlsx([
    {
      name: 'Signalen',
      preamble: warnings.map((w) => `Waarschuwing: ${w}`),
      columns: REPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width, hidden: c.hidden })),
      rows: rows.map((r) =>
        REPORT_COLUMNS.map((c) => {
          const v = c.value(r);
          return v instanceof Date ? localTime(v) : v;
        }),
      ),
    },
    {
      name: 'Toelichting',
      columns: [
        { header: 'Kolom', width: 28 },
        { header: 'Betekenis', width: 100 },
      ],
      rows: [
        ...REPORT_COLUMNS.map((c) => [c.header, c.help]),
        ['', ''],
        ['Let op', 'Signalen zijn aanwijzingen voor onderzoek door een medewerker, nooit besluiten.'],
        [
          'Oordeel vastleggen',
          "pakhuis triage <signaal> <in_onderzoek|vals_positief|afgehandeld> --note \"...\" --toegewezen <naam>, of in SQL: SELECT signals.triage(<signaal>, 'in_onderzoek', '...');",
        ],
      ],
    },
  ]);
}
