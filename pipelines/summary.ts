import type { RunSummary } from './run.ts';
import type { IngestResult } from './ingest/ingest.ts';
import type { Reason } from './ingest/row-router.ts';
import type { BrpModelCounts } from './publish.ts';
import { aantal } from '../lib/dutch.ts';
import { formatPull } from './pull/report.ts';

/** Reasons listed per file; the rest is counted in one line, so nothing is left out unsaid. */
const LISTED = 5;
const INDENT = '              ';
import { printable } from '../lib/terminal.ts';

/** The short text a person reads after a run: what was loaded, lost, found, and where the report is. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  lines.push(`Run ${summary.runId}: ${summary.status === 'succeeded' ? 'geslaagd' : 'MISLUKT'} in ${(summary.ms / 1000).toFixed(1)} s`);
  if (summary.pull) lines.push(...formatPull(summary.pull));
  if (summary.files.length === 0) lines.push('  Geen nieuwe bestanden in de inbox.');
  for (const f of summary.files) {
    const what =
      f.status === 'loaded'
        ? `${aantal(f.rowsStaged, 'rij', 'rijen')} geladen, ${f.rowsRejected} afgekeurd`
        : f.status === 'duplicate'
          ? 'overgeslagen: deze inhoud is al eerder geladen'
          : f.status === 'quarantined'
            ? `in quarantaine: ${f.error}`
            : `geweigerd: ${f.error}`;
    lines.push(`  ${f.source.padEnd(9)} ${f.file}: ${what}`);
    lines.push(...fileDetails(f).map((l) => INDENT + l));
  }
  for (const w of summary.warnings) lines.push(`  Waarschuwing: ${w}`);
  if (summary.publish) {
    const s = summary.publish.signals;
    lines.push(`  Signalen: ${s.open} open (${s.new} nieuw, ${s.worsened} verergerd, ${s.resolved} opgelost)`);
    for (const [rule, n] of Object.entries(summary.signalsPerRule)) lines.push(`    ${rule.padEnd(28)} ${n}`);
    // Where the warehouse serves named municipalities, what is open in each, rule by rule.
    const named = summary.publish.perGemeente.filter((g) => g.gemeentecode !== '0000');
    if (named.length) {
      lines.push(`  Open signalen per gemeente: ${named.map((g) => `${g.gemeentecode} ${g.naam} ${g.open}`).join(', ')}`);
      for (const g of named) {
        const rules = Object.entries(g.perRule)
          .map(([rule, n]) => `${rule} ${n}`)
          .join(', ');
        lines.push(`    ${`${g.gemeentecode} ${g.naam}`.padEnd(28)} ${rules}`);
      }
    }
    const rates = Object.entries(summary.publish.matchRates).map(
      ([source, methods]) =>
        `${source} ${Object.entries(methods)
          .map(([m, r]) => `${m} ${(r.share * 100).toFixed(1)}%`)
          .join(', ')}`,
    );
    if (rates.length) lines.push(`  Adreskoppeling: ${rates.join('; ')}`);
    if (summary.publish.brp) {
      const text = brpModelText(summary.publish.brp);
      if (text) lines.push(`  BRP-model: ${text}`);
    }
  }
  if (summary.reports && summary.reports.length > 1) {
    const quiet = summary.reportNotMailedQuiet ? '; niet gemaild: niets nieuws (REPORT_NOTHING_NEW)' : '';
    for (const r of summary.reports) lines.push(`  Rapport ${r.gemeentecode}: ${r.path} (ook als .xlsx; ${r.signals} nieuwe of verergerde signalen${quiet})`);
  } else if (summary.reportPath) {
    const quiet = summary.reportNotMailedQuiet ? '; niet gemaild: niets nieuws (REPORT_NOTHING_NEW)' : '';
    lines.push(`  Rapport: ${summary.reportPath} (ook als .xlsx; ${summary.reportRows} nieuwe of verergerde signalen${quiet})`);
  }
  if (summary.delivery && (summary.delivery.sent || summary.delivery.failed)) {
    lines.push(`  E-mail: ${summary.delivery.sent} verzonden, ${summary.delivery.failed} mislukt`);
  }
  if (summary.error) lines.push(`  Fout${summary.failedStep ? ` in stap ${summary.failedStep}` : ''}: ${summary.error}`);
  // File names and errors quote what came in from outside: no control character reaches the terminal.
  return lines.map(printable).join('\n');
}

/**
 * What a loaded file holds beyond its counts: the rows loaded but not addressable by kind, the
 * rejection reasons and the remarks on loaded rows, most frequent first, each list ending with
 * how many more there are when it stops.
 */
export function fileDetails(f: IngestResult): string[] {
  const lines: string[] = [];
  if (f.kinds.length) lines.push(`geladen, niet op een BAG-adres: ${f.kinds.map((k) => `${k.count} ${k.kind}`).join(', ')}`);
  lines.push(...listed(f.reasons, 'afgekeurd'));
  lines.push(...listed(f.notes, 'geladen met opmerking'));
  return lines;
}

function listed(reasons: Reason[], what: string): string[] {
  const lines = reasons.slice(0, LISTED).map((r) => `${r.count}x ${what}, ${r.column}: ${r.reason}`);
  const rest = reasons.slice(LISTED);
  if (rest.length) {
    const rows = rest.reduce((n, r) => n + r.count, 0);
    lines.push(`en ${aantal(rest.length, 'andere reden', 'andere redenen')} (${aantal(rows, 'rij', 'rijen')} ${what})`);
  }
  return lines;
}

/** The BRP model's decisions in one line; counts of zero are left out. */
export function brpModelText(c: BrpModelCounts): string {
  const parts: [number, string, string, string][] = [
    [
      c.gesloten_door_voorkomen_elders,
      'periode',
      'perioden',
      'beëindigd door een nieuwer voorkomen buiten het model (buitenland, locatiebeschrijving of afgekeurde rij)',
    ],
    [c.einde_onbekend, 'periode', 'perioden', 'afgesloten op een onbekende datum'],
    [c.einde_voor_aanvang, 'periode', 'perioden', 'met een einde vóór de aanvang (afgesloten op de aanvang)'],
    [c.zonder_datums, 'afgesloten voorkomen', 'afgesloten voorkomens', 'zonder enige datum (niet in het model)'],
    [c.overlijden, 'inschrijving', 'inschrijvingen', 'beëindigd door overlijden'],
    [c.opschorting, 'inschrijving', 'inschrijvingen', 'beëindigd door opschorting van de persoonslijst'],
    [c.niet_op_adres, 'inschrijving', 'inschrijvingen', 'beëindigd door "vastgesteld verblijft niet op adres"'],
    [c.lijsten_nooit_bewoner, 'persoonslijst', 'persoonslijsten', 'opgeschort wegens fout of wissen (nooit bewoner)'],
    [c.mogelijke_bewoners, 'mogelijke bewoner', 'mogelijke bewoners', 'met een onbekende aanvangsdatum meegeteld'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, een, meer, what]) => `${aantal(n, een, meer)} ${what}`)
    .join('; ');
}
