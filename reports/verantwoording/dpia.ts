import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../lib/config.ts';
import type { Session } from '../../lib/db.ts';
import { RULES } from '../../rules/index.ts';
import { FIELD_LABELS, MODEL_SOURCES, type ModelRelation } from '../../rules/reads.ts';
import { resolveRule } from '../../rules/rule.ts';
import { SOURCE_LABELS } from '../../sources/index.ts';

/** The twelve calendar months up to and including the one of `until` (ISO), oldest first, as YYYY-MM. */
export function lastTwelveMonths(until: string): string[] {
  const year = Number(until.slice(0, 4));
  const month = Number(until.slice(5, 7)) - 1;
  return Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 11 + i, 1));
    return d.toISOString().slice(0, 7);
  });
}

export interface DpiaRule {
  code: string;
  title: string;
  doel: string;
  norm: string;
  grondslag: string;
  ernst: string;
  versie: string;
  parameters: Record<string, unknown>;
  vereist: string[];
  /** Per source label: the relations and columns read. */
  velden: { bron: string; relatie: string; kolommen: string[]; omschrijving: string[] }[];
  /** Whether the rule links persons to its signals (and names can be shown, audited, with reveal). */
  koppeltPersonen: boolean;
  zichtbaarVoor: string[];
  bewaartermijn: string;
  cijfers: { maanden: { maand: string; nieuw: number }[]; totaal: number; valsPositief: number; afgehandeld: number };
}

export interface Dpia {
  gemaakt_op: string;
  maanden: string[];
  regels: DpiaRule[];
}

/** The general legal basis of the processing; the rule's own norm says what it measures against. */
const GRONDSLAG =
  'AVG art. 6 lid 1 sub e (taak van algemeen belang: handhaving en bestuurlijke aanpak van ondermijning door de gemeente); ' +
  'Gemeentewet art. 125 en 172 (bestuursdwang, openbare orde); de wet van de bron (Wet BRP art. 3.8, Wet BAG, Wet Bibob, Opiumwet art. 13b) voor het gebruik van haar gegevens.';

/**
 * The DPIA appendix, from the rule register (purpose, norm, parameters, what each rule reads) and
 * the signal store (figures of the last twelve months). Reads no personal data: counts only.
 */
export async function dpia(db: Pick<Session, 'query'>, config: Config, today?: string): Promise<Dpia> {
  const day = today ?? (await db.query<{ d: string }>('SELECT current_date::text AS d')).rows[0]!.d;
  const months = lastTwelveMonths(day);
  const { rows } = await db.query<{ rule_code: string; maand: string; nieuw: number; vals_positief: number; afgehandeld: number }>(
    `SELECT rule_code, to_char(first_seen_at, 'YYYY-MM') AS maand, count(*)::int AS nieuw,
       (count(*) FILTER (WHERE triage_status = 'vals_positief'))::int AS vals_positief,
       (count(*) FILTER (WHERE triage_status = 'afgehandeld'))::int AS afgehandeld
     FROM pakhuis.signals
     WHERE first_seen_at >= $1::date
     GROUP BY 1, 2`,
    [`${months[0]}-01`],
  );
  const regels = RULES.map((definition): DpiaRule => {
    const rule = resolveRule(definition, config.rules[definition.code] ?? {});
    const mine = rows.filter((r) => r.rule_code === definition.code && months.includes(r.maand));
    const sum = (k: 'nieuw' | 'vals_positief' | 'afgehandeld') => mine.reduce((n, r) => n + r[k], 0);
    const velden = (Object.entries(definition.reads) as [ModelRelation, string[]][]).map(([relatie, kolommen]) => ({
      bron: MODEL_SOURCES[relatie].length ? MODEL_SOURCES[relatie].map((s) => SOURCE_LABELS[s]).join(' + ') : 'uitkomsten van de andere regels',
      relatie,
      kolommen,
      omschrijving: kolommen.map((k) => FIELD_LABELS[relatie][k] ?? k),
    }));
    const koppeltPersonen = /\bAS\s+persons\b/i.test(definition.sql);
    return {
      code: definition.code,
      title: definition.title,
      doel: definition.rationale,
      norm: definition.norm,
      grondslag: GRONDSLAG,
      ernst: definition.severity,
      versie: rule.version,
      parameters: rule.params,
      vereist: definition.requires.map((s) => SOURCE_LABELS[s]),
      velden,
      koppeltPersonen,
      zichtbaarVoor: [
        'analisten OOV (rol pakhuis_analyst): het signaal met adres, uitleg en bewijs in de views van schema signals, zonder namen',
        'het OOV-team: het nachtelijke rapport per e-mail (REPORT_RECIPIENTS, binnen REPORT_RECIPIENT_ALLOWLIST), zonder namen',
        "het ondermijningsoverleg (politie, OM, RIEC): het maandoverzicht zonder namen, BSN's of pseudoniemen",
        koppeltPersonen
          ? 'heridentificatie (rol pakhuis_reident): de namen van de gekoppelde personen, alleen met een reden en vastgelegd (pakhuis reveal)'
          : 'niemand ziet namen: de regel koppelt geen personen aan het signaal',
        'de betrokkene zelf: via pakhuis inzage (AVG art. 15)',
      ],
      bewaartermijn:
        `Zolang het signaal open is; ${config.RETENTION_RESOLVED_SIGNAL_MONTHS} maanden nadat het is opgelost (RETENTION_RESOLVED_SIGNAL_MONTHS). ` +
        `Geladen bronrijen ${config.RETENTION_STAGING_DAYS} dagen (behalve de geldende levering), bronbestanden ${config.RETENTION_ARCHIVE_DAYS} dagen, beëindigde inschrijvingen in de geschiedenis ${config.RETENTION_HISTORY_MONTHS} maanden na hun einde. Oordelen en inzagen blijven als verantwoording bewaard.`,
      cijfers: {
        maanden: months.map((maand) => ({ maand, nieuw: mine.find((r) => r.maand === maand)?.nieuw ?? 0 })),
        totaal: sum('nieuw'),
        valsPositief: sum('vals_positief'),
        afgehandeld: sum('afgehandeld'),
      },
    };
  });
  return { gemaakt_op: day, maanden: months, regels };
}

const pct = (n: number, total: number) => (total ? `${Math.round((100 * n) / total)}%` : '–');
const dmy = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
const params = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ') || 'geen';

const INTRO = [
  'Deze bijlage bij de gegevensbeschermingseffectbeoordeling (DPIA) is gemaakt uit de code van het informatiepakhuis: het regelregister (rules/), de verklaring per regel van welke velden zij leest (getoetst aan de SQL van de regel), de instellingen die gelden, en de signalen van de laatste twaalf maanden.',
  "Een signaal is een aanwijzing voor onderzoek door een medewerker, nooit een besluit. BSN's komen alleen als pseudoniem (HMAC met een sleutel van de gemeente) in het pakhuis.",
];

/** Markdown, for the DPIA document. Table cells have their pipes escaped. */
export function dpiaMarkdown(d: Dpia): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [`# DPIA-bijlage: de regels van het informatiepakhuis`, '', `Gemaakt op ${dmy(d.gemaakt_op)}.`, '', ...INTRO.flatMap((p) => [p, ''])];
  for (const r of d.regels) {
    out.push(
      `## ${r.code}: ${r.title}`,
      '',
      `**Doel en onderbouwing.** ${r.doel}`,
      '',
      `**Norm.** ${r.norm}`,
      '',
      `**Grondslag.** ${r.grondslag}`,
      '',
      `**Ernst** ${r.ernst}; **versie** \`${r.versie}\`; **parameters** ${params(r.parameters)}; **nodig** ${r.vereist.join(', ')}.`,
      '',
      '**Gelezen velden per bron.**',
      '',
      '| bron | gegevens | tabel en kolommen in het model |',
      '|---|---|---|',
      ...r.velden.map((v) => `| ${cell(v.bron)} | ${cell(v.omschrijving.join('; '))} | \`${v.relatie}\`: ${cell(v.kolommen.join(', '))} |`),
      '',
      '**Wie het resultaat ziet.**',
      '',
      ...r.zichtbaarVoor.map((z) => `- ${z}`),
      '',
      `**Bewaartermijn.** ${r.bewaartermijn}`,
      '',
      `**Cijfers van de laatste 12 maanden.** ${r.cijfers.totaal} nieuwe signalen; vals positief ${pct(r.cijfers.valsPositief, r.cijfers.totaal)}; afgehandeld ${pct(r.cijfers.afgehandeld, r.cijfers.totaal)}.`,
      '',
      `| ${d.maanden.join(' | ')} |`,
      `|${d.maanden.map(() => '---:').join('|')}|`,
      `| ${r.cijfers.maanden.map((m) => m.nieuw).join(' | ')} |`,
      '',
    );
  }
  return out.join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; color: #1a1a1a; margin: 24px; max-width: 1100px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 26px 0 6px; border-bottom: 2px solid #1f5fa8; }
  table { border-collapse: collapse; margin: 4px 0 10px; } th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #e8eef6; } td.num { text-align: right; } code { font-family: "DejaVu Sans Mono", monospace; }
  @media print { @page { size: A4; margin: 14mm; } body { margin: 0; } h2 { break-before: page; } h2.first { break-before: avoid; } tr { break-inside: avoid; } }`;

/** The same as one printable HTML page; everything is escaped. */
export function dpiaHtml(d: Dpia): string {
  const body = d.regels.map((r, i) =>
    [
      `<h2${i === 0 ? ' class="first"' : ''}>${esc(r.code)}: ${esc(r.title)}</h2>`,
      `<p><strong>Doel en onderbouwing.</strong> ${esc(r.doel)}</p>`,
      `<p><strong>Norm.</strong> ${esc(r.norm)}</p>`,
      `<p><strong>Grondslag.</strong> ${esc(r.grondslag)}</p>`,
      `<p><strong>Ernst</strong> ${esc(r.ernst)}; <strong>versie</strong> <code>${esc(r.versie)}</code>; <strong>parameters</strong> ${esc(params(r.parameters))}; <strong>nodig</strong> ${esc(r.vereist.join(', '))}.</p>`,
      '<table><tr><th>Bron</th><th>Gegevens</th><th>Tabel en kolommen in het model</th></tr>',
      ...r.velden.map(
        (v) =>
          `<tr><td>${esc(v.bron)}</td><td>${esc(v.omschrijving.join('; '))}</td><td><code>${esc(v.relatie)}</code>: ${esc(v.kolommen.join(', '))}</td></tr>`,
      ),
      '</table>',
      `<p><strong>Wie het resultaat ziet.</strong></p><ul>${r.zichtbaarVoor.map((z) => `<li>${esc(z)}</li>`).join('')}</ul>`,
      `<p><strong>Bewaartermijn.</strong> ${esc(r.bewaartermijn)}</p>`,
      `<p><strong>Cijfers van de laatste 12 maanden.</strong> ${r.cijfers.totaal} nieuwe signalen; vals positief ${pct(r.cijfers.valsPositief, r.cijfers.totaal)}; afgehandeld ${pct(r.cijfers.afgehandeld, r.cijfers.totaal)}.</p>`,
      `<table><tr>${d.maanden.map((m) => `<th>${esc(m)}</th>`).join('')}</tr><tr>${r.cijfers.maanden.map((m) => `<td class="num">${m.nieuw}</td>`).join('')}</tr></table>`,
    ].join('\n'),
  );
  return [
    '<!doctype html>',
    '<html lang="nl"><head><meta charset="utf-8">',
    '<title>DPIA-bijlage: de regels van het informatiepakhuis</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>DPIA-bijlage: de regels van het informatiepakhuis</h1>',
    `<p>Gemaakt op ${dmy(d.gemaakt_op)}.</p>`,
    ...INTRO.map((p) => `<p>${esc(p)}</p>`),
    ...body,
    '</body></html>',
  ].join('\n');
}

/** Writes `out` as Markdown or HTML by its extension; without one (or another), both. */
export async function writeDpia(d: Dpia, out: string): Promise<string[]> {
  const path = resolve(out);
  const ext = /\.(md|html?)$/i.exec(path)?.[1]?.toLowerCase();
  const base = ext ? path.slice(0, -(ext.length + 1)) : path;
  const targets: [string, string][] = [];
  if (ext !== 'md') targets.push([ext ? path : `${base}.html`, dpiaHtml(d)]);
  if (!ext || ext === 'md') targets.push([ext ? path : `${base}.md`, dpiaMarkdown(d)]);
  await mkdir(dirname(path), { recursive: true });
  for (const [file, content] of targets) {
    await writeFile(`${file}.part`, content, 'utf8');
    await rename(`${file}.part`, file);
  }
  return targets.map(([file]) => file);
}
