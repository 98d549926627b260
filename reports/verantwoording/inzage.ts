import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../lib/config.ts';
import type { Session } from '../../lib/db.ts';
import { sqlState } from '../../lib/errors.ts';
import type { Pseudonymizer } from '../../lib/pseudonym.ts';
import { SOURCE_LABELS } from '../../sources/index.ts';
import type { SourceName } from '../../sources/source.ts';
import { checkBsn } from '../../sources/validate.ts';

export class InzageError extends Error {}

/** What reident.inzage returns (migration 0080). */
interface Raw {
  weigering: string | null;
  persoon: { geslachtsnaam: string | null; voornamen: string | null; geboortedatum: string | null; naam: string | null; bron: string } | null;
  leveringen: { load_id: number; bron: SourceName; bestand: string; geladen_op: string; geldend: boolean; rijen: number }[];
  inschrijvingen: {
    functie: string;
    van: string | null;
    tot: string | null;
    adres: string | null;
    postcode: string | null;
    woonplaats: string | null;
    verblijfsobject_id: string | null;
    gesloten_door: string | null;
    andere_ingeschrevenen: number | null;
  }[];
  historie: {
    functie: string;
    van: string | null;
    tot: string | null;
    gesloten_door: string | null;
    verblijfsobject_id: string | null;
    adres: string | null;
  }[];
  zaken: { soort: string; zaaknummer: string; rol: string }[];
  signalen: {
    signaal: number;
    regel: string;
    titel: string | null;
    norm: string | null;
    uitleg: string;
    ernst: string;
    status: string;
    rol: string;
    eerst_gezien: string;
    laatst_gezien: string;
    opgelost_op: string | null;
    oordeel: string | null;
    oordeel_op: string | null;
    adres: string | null;
    andere_personen: number;
  }[];
}

/** The overview as written to JSON for the case system; the HTML shows the same. */
export interface Inzage {
  kenmerk: string;
  gemaakt_op: string;
  persoon: Raw['persoon'];
  leveringen: (Omit<Raw['leveringen'][number], 'bron'> & { bron: string; bewaard_tot: string })[];
  inschrijvingen: (Raw['inschrijvingen'][number] & { bewaard_tot: string })[];
  historie: (Raw['historie'][number] & { bewaard_tot: string })[];
  zaken: (Raw['zaken'][number] & { bewaard_tot: string })[];
  signalen: (Raw['signalen'][number] & { oordeel_in_woorden: string; bewaard_tot: string })[];
  bewaartermijnen: string[];
}

const OORDEEL: Record<string, string> = {
  in_onderzoek: 'een medewerker onderzoekt dit signaal',
  vals_positief: 'beoordeeld: geen aanwijzing (vals positief)',
  afgehandeld: 'beoordeeld en afgehandeld',
};
export const oordeelInWoorden = (status: string | null) => (status ? (OORDEEL[status] ?? status) : 'nog niet beoordeeld');

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (iso: string, days: number) => isoDay(new Date(Date.parse(iso) + days * 86_400_000));
const plusMonths = (iso: string, months: number) => {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return isoDay(d);
};

/**
 * Asks reident.inzage (re-identification role only, audited there) for one person: the BSN is
 * pseudonymised here with the warehouse key, and only the pseudonym goes to the database. The
 * retention dates follow pipelines/retention.ts: staged rows RETENTION_STAGING_DAYS after loading
 * unless the model is built from them; archived files RETENTION_ARCHIVE_DAYS; resolved signals
 * RETENTION_RESOLVED_SIGNAL_MONTHS after resolving; ended registrations in the history
 * RETENTION_HISTORY_MONTHS after their end; the model as long as the current export holds it.
 */
export async function inzage(
  db: Pick<Session, 'query'>,
  pseudonymizer: Pseudonymizer,
  config: Config,
  request: { bsn: string; reason: string; by?: string },
): Promise<Inzage> {
  const checked = checkBsn(request.bsn);
  // Not the value: a mistyped BSN is still (nearly) a BSN.
  if (!checked.ok) throw new InzageError(`--bsn is geen geldig BSN (${checked.reason})`);
  const pseudonym = pseudonymizer.pseudonymise(checked.value);
  let rows: { r: Raw }[];
  try {
    ({ rows } = await db.query<{ r: Raw }>('SELECT reident.inzage($1, $2, $3, $4, $5) AS r', [
      pseudonym,
      pseudonymizer.keyVersion,
      pseudonymizer.checkValue,
      request.reason,
      request.by ?? null,
    ]));
  } catch (error) {
    if (sqlState(error) === '42501') throw new InzageError('geen toestemming: inzage vraagt de rol pakhuis_reident', { cause: error });
    throw error;
  }
  const raw = rows[0]!.r;
  if (raw.weigering) throw new InzageError(`${raw.weigering} (deze geweigerde inzage is vastgelegd)`);
  const staging = config.RETENTION_STAGING_DAYS;
  const model = 'zolang de geldende levering dit bevat';
  return {
    kenmerk: request.reason,
    gemaakt_op: new Date().toISOString(),
    persoon: raw.persoon,
    leveringen: raw.leveringen.map((l) => ({
      ...l,
      bron: SOURCE_LABELS[l.bron] ?? l.bron,
      bewaard_tot: l.geldend
        ? `zolang dit de geldende levering is; daarna ${staging} dagen na het laden (het bestand zelf ${config.RETENTION_ARCHIVE_DAYS} dagen na het laden)`
        : `${plusDays(l.geladen_op, staging)} (het bestand zelf tot ${plusDays(l.geladen_op, config.RETENTION_ARCHIVE_DAYS)})`,
    })),
    inschrijvingen: raw.inschrijvingen.map((i) => ({ ...i, bewaard_tot: model })),
    historie: raw.historie.map((h) => ({
      ...h,
      bewaard_tot: h.tot
        ? plusMonths(h.tot, config.RETENTION_HISTORY_MONTHS)
        : `zolang deze inschrijving loopt; daarna ${config.RETENTION_HISTORY_MONTHS} maanden na het einde`,
    })),
    zaken: raw.zaken.map((z) => ({ ...z, bewaard_tot: model })),
    signalen: raw.signalen.map((s) => ({
      ...s,
      oordeel_in_woorden: oordeelInWoorden(s.oordeel),
      bewaard_tot:
        s.status === 'open' || !s.opgelost_op
          ? `zolang het signaal open is; daarna ${config.RETENTION_RESOLVED_SIGNAL_MONTHS} maanden`
          : plusMonths(s.opgelost_op, config.RETENTION_RESOLVED_SIGNAL_MONTHS),
    })),
    bewaartermijnen: [
      `Geladen rijen uit een levering: ${staging} dagen na het laden, behalve de levering waaruit het model nu is opgebouwd.`,
      `Het geleverde bestand in het archief: ${config.RETENTION_ARCHIVE_DAYS} dagen.`,
      'Het model (inschrijvingen, zaken): zolang de geldende levering het bevat; elke nacht opnieuw opgebouwd.',
      `De inschrijvingsgeschiedenis over leveringen heen: ${config.RETENTION_HISTORY_MONTHS} maanden na het einde van een inschrijving.`,
      `Een signaal: zolang het open is, en ${config.RETENTION_RESOLVED_SIGNAL_MONTHS} maanden nadat het is opgelost.`,
      'Het verslag van wie een signaal beoordeelde of namen inzag (ook deze inzage) wordt bewaard voor verantwoording.',
    ],
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const dmy = (iso: string | null) => (iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}` : (iso ?? ''));
const cell = (v: string | number | null | undefined) => `<td>${esc(v === null || v === undefined ? '' : String(v))}</td>`;
/** Dates within a text as the reader writes them: 31-12-2026. */
const when = (v: string | null) => (v ?? '').replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3-$2-$1');

function table(headers: string[], rows: (string | number | null | undefined)[][], empty: string): string {
  if (!rows.length) return `<p class="leeg">${esc(empty)}</p>`;
  const head = headers.some(Boolean) ? [`<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`] : [];
  return ['<table>', ...head, ...rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`), '</table>'].join('\n');
}

const STYLE = `
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; color: #1a1a1a; margin: 24px; max-width: 1100px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 22px 0 4px; border-bottom: 2px solid #1f5fa8; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
  th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #e8eef6; } .leeg { color: #666; font-style: italic; } .kader { background: #f3f6fa; border: 1px solid #c5d3e6; padding: 6px 10px; }
  @media print { @page { size: A4 landscape; margin: 12mm; } body { margin: 0; } tr { break-inside: avoid; } }`;

/** The overview as one printable Dutch page; everything is escaped. */
export function inzageHtml(o: Inzage): string {
  const naam = o.persoon ? [o.persoon.voornamen, o.persoon.geslachtsnaam].filter(Boolean).join(' ') || o.persoon.naam : null;
  return [
    '<!doctype html>',
    '<html lang="nl"><head><meta charset="utf-8">',
    '<title>Inzage: welke gegevens het informatiepakhuis over u verwerkt</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>Inzage in uw gegevens (artikel 15 AVG)</h1>',
    `<p>Kenmerk van uw verzoek: <strong>${esc(o.kenmerk)}</strong>. Opgemaakt op ${dmy(o.gemaakt_op.slice(0, 10))}.</p>`,
    '<p class="kader">Het informatiepakhuis van de gemeente zoekt in haar eigen registers naar aanwijzingen van ondermijning. ' +
      'Het koppelt de gegevens op adres en past gepubliceerde regels toe. Een signaal is een aanwijzing voor onderzoek door een medewerker, nooit een besluit over u. ' +
      'Andere personen staan in dit overzicht niet met naam, alleen als aantal.</p>',
    '<h2>Uw gegevens in het pakhuis</h2>',
    naam || o.persoon?.geboortedatum
      ? `<p>Naam: ${esc(naam ?? '')}${o.persoon?.geboortedatum ? `, geboortedatum ${esc(when(o.persoon.geboortedatum))}` : ''} (zoals geleverd door ${esc(SOURCE_LABELS[o.persoon?.bron as SourceName] ?? o.persoon?.bron ?? '')}); uw BSN staat er alleen als pseudoniem in.</p>`
      : '<p class="leeg">Het pakhuis bewaart nu geen naam of geboortedatum van u.</p>',
    '<h2>Leveringen waarin u voorkwam</h2>',
    table(
      ['Bron', 'Bestand', 'Geladen op', 'Rijen over u', 'Bewaard tot'],
      o.leveringen.map((l) => [l.bron, l.bestand, dmy(l.geladen_op.slice(0, 10)), l.rijen, when(l.bewaard_tot)]),
      'Geen (of niet meer bewaard).',
    ),
    '<h2>Inschrijvingen (uit de BRP)</h2>',
    table(
      ['Soort', 'Adres', 'Postcode', 'Woonplaats', 'Vanaf', 'Tot', 'Andere ingeschrevenen nu', 'Bewaard tot'],
      o.inschrijvingen.map((i) => [i.functie, i.adres, i.postcode, i.woonplaats, dmy(i.van), dmy(i.tot), i.andere_ingeschrevenen, i.bewaard_tot]),
      'Geen.',
    ),
    '<h2>Inschrijvingsgeschiedenis</h2>',
    '<p>Elke inschrijving die een BRP-levering ooit liet zien, ook als een latere levering haar niet meer had.</p>',
    table(
      ['Soort', 'Adres', 'Vanaf', 'Tot', 'Bewaard tot'],
      o.historie.map((h) => [h.functie, h.adres, dmy(h.van), h.tot ? dmy(h.tot) : h.gesloten_door === null ? 'nu' : '', when(h.bewaard_tot)]),
      'Geen.',
    ),
    '<h2>Vergunningen en Damocleszaken</h2>',
    table(
      ['Soort', 'Zaaknummer', 'Uw rol', 'Bewaard tot'],
      o.zaken.map((z) => [z.soort, z.zaaknummer, z.rol, z.bewaard_tot]),
      'Geen.',
    ),
    '<h2>Signalen waarin u bent meegeteld of genoemd</h2>',
    '<p>Een signaal is een aanwijzing die een medewerker onderzoekt; het oordeel staat erbij. Een opgelost signaal geeft de regel niet meer.</p>',
    o.signalen.length
      ? o.signalen
          .map((s) =>
            [
              `<h3>${esc(s.titel ?? s.regel)}</h3>`,
              table(
                ['', ''],
                [
                  ['Regel', s.regel],
                  ['Norm', s.norm],
                  ['Uitleg', s.uitleg],
                  ['Adres', s.adres],
                  ['Uw rol', s.rol],
                  ['Andere personen in dit signaal', s.andere_personen],
                  ['Gezien', `${dmy(s.eerst_gezien.slice(0, 10))} tot ${dmy(s.laatst_gezien.slice(0, 10))}`],
                  ['Stand', s.status === 'open' ? 'open' : `opgelost op ${dmy(s.opgelost_op?.slice(0, 10) ?? null)}`],
                  ['Oordeel', `${s.oordeel_in_woorden}${s.oordeel_op ? ` (${dmy(s.oordeel_op.slice(0, 10))})` : ''}`],
                  ['Bewaard tot', when(s.bewaard_tot)],
                ],
                '',
              ),
            ].join('\n'),
          )
          .join('\n')
      : '<p class="leeg">Geen.</p>',
    '<h2>Bewaartermijnen</h2>',
    `<ul>${o.bewaartermijnen.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>`,
    '</body></html>',
  ].join('\n');
}

/** Writes `out` as HTML or JSON by its extension; without one (or another), both. Returns the paths. */
export async function writeInzage(o: Inzage, out: string): Promise<string[]> {
  const path = resolve(out);
  const ext = /\.(html?|json)$/i.exec(path)?.[1]?.toLowerCase();
  const base = ext ? path.slice(0, -(ext.length + 1)) : path;
  const targets: [string, string][] = [];
  if (ext !== 'json') targets.push([ext ? path : `${base}.html`, inzageHtml(o)]);
  if (!ext || ext === 'json') targets.push([ext ? path : `${base}.json`, JSON.stringify(o, null, 2) + '\n']);
  await mkdir(dirname(path), { recursive: true });
  for (const [file, content] of targets) {
    // Not readable for others: the file holds personal data.
    await writeFile(`${file}.part`, content, { encoding: 'utf8', mode: 0o600 });
    await rename(`${file}.part`, file);
  }
  return targets.map(([file]) => file);
}
