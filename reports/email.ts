import type { ReportRow } from './anomaly-report.ts';
import { aantal } from '../lib/dutch.ts';
import { trendTableHtml, trendTableText } from './trend-chart.ts';
import type { TrendData } from './trend-data.ts';
import { concentrationText, type Concentration } from './verantwoording/spreiding.ts';

export interface ReportFacts {
  runId: number;
  date: Date;
  rows: ReportRow[];
  /** Open signals per rule code, all of them (not only those in this report). */
  openPerRule: Record<string, number>;
  /** Signals this run no longer gave, per rule code. */
  resolvedPerRule?: Record<string, number>;
  /** Dutch title per rule code; a code without one is shown as the code. */
  titles?: Record<string, string>;
  /** Nothing new or worse tonight: a short "niets nieuws" mail, and why it comes (REPORT_NOTHING_NEW). */
  nothingNew?: 'wekelijks' | 'dagelijks';
  rejected: { file: string; rows: number; reasons: string[] }[];
  warnings: string[];
  /** Meldingen whose melder has had no feedback after the term; absent while no meldpunt export is published. */
  feedbackOwed?: { count: number; days: number };
  /** The last twelve months per rule, shown as a table, and as a picture when `chartCid` names one. */
  trend?: TrendData;
  chartCid?: string;
  /** The municipality the report is for, when the warehouse serves several (e.g. "0589 Oudewater"). */
  gemeente?: string;
  /** Areas where a rule's open signals are concentrated (signals.spreiding), with the factor used. */
  concentrations?: { list: Concentration[]; factor: number };
}

export interface ComposedReport {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The Dutch e-mail that carries the nightly report: counts, not content. Personal data and
 * addresses stay in the attachment; the body has no links, so nothing in it invites a click.
 */
export function composeReport(facts: ReportFacts): ComposedReport {
  const day = facts.date.toISOString().slice(0, 10);
  const resolvedPerRule = facts.resolvedPerRule ?? {};
  const perRule = new Map<string, { fresh: number; open: number; resolved: number }>();
  const entry = (rule: string) => perRule.get(rule) ?? perRule.set(rule, { fresh: 0, open: 0, resolved: 0 }).get(rule)!;
  for (const [rule, open] of Object.entries(facts.openPerRule)) entry(rule).open = open;
  for (const [rule, resolved] of Object.entries(resolvedPerRule)) entry(rule).resolved = resolved;
  for (const row of facts.rows) entry(row.rule_code).fresh++;
  const title = (rule: string) => facts.titles?.[rule] ?? rule;
  const ruleLines = [...perRule.entries()]
    .sort(([a], [b]) => title(a).localeCompare(title(b), 'nl'))
    .map(([rule, c]) => ({ rule, title: title(rule), fresh: c.fresh, older: Math.max(0, c.open - c.fresh), resolved: c.resolved }));
  const resolvedTotal = ruleLines.reduce((n, r) => n + r.resolved, 0);
  const openTotal = Object.values(facts.openPerRule).reduce((n, v) => n + v, 0);
  const quiet = facts.rows.length === 0;
  const g = facts.gemeente ? `${facts.gemeente} ` : '';
  const of = facts.gemeente ? `, gemeente ${facts.gemeente}` : '';
  const subject = quiet
    ? `Informatiepakhuis ${g}${day}: niets nieuws${facts.warnings.length ? ' (met waarschuwingen)' : ''}`
    : `Informatiepakhuis ${g}${day}: ${aantal(facts.rows.length, 'nieuw of verergerd signaal', 'nieuwe of verergerde signalen')}${facts.warnings.length ? ' (met waarschuwingen)' : ''}`;
  const judge = [
    'Een oordeel vastleggen (in_onderzoek, vals_positief of afgehandeld), met wie het behandelt:',
    '  pakhuis triage <signaal> in_onderzoek --toegewezen <naam> --note "huisbezoek gepland"',
    "  of in SQL: SELECT signals.triage(<signaal>, 'in_onderzoek', 'huisbezoek gepland', NULL, '<naam>');",
    'Landelijke Aanpak Adreskwaliteit: binnen 4 weken een status, binnen 6 maanden een resultaat (signals.signal_details: status_due, result_due).',
  ];
  const quietLine =
    facts.nothingNew === 'wekelijks'
      ? 'Op een nacht zonder nieuwe of verergerde signalen komt dit korte bericht één keer per week (instelling REPORT_NOTHING_NEW).'
      : 'Op een nacht zonder nieuwe of verergerde signalen komt dit korte bericht elke nacht (instelling REPORT_NOTHING_NEW).';

  const text: string[] = [];
  if (facts.warnings.length) {
    text.push('LET OP', ...facts.warnings.map((w) => `- ${w}`), '');
  }
  if (quiet) {
    text.push(
      `Nachtelijke run ${facts.runId} van ${day}${of}: niets nieuws. Geen nieuwe of verergerde signalen sinds het vorige rapport.`,
      `Nog open: ${openTotal}; opgelost in deze run: ${resolvedTotal}.`,
      '',
      quietLine,
    );
  } else {
    text.push(
      `Nachtelijke run ${facts.runId} van ${day}${of}.`,
      facts.rows.length === 1
        ? 'In de bijlage (CSV en Excel) staat 1 signaal dat nieuw is of verergerd sinds het vorige rapport.'
        : `In de bijlage (CSV en Excel) staan ${facts.rows.length} signalen die nieuw zijn of verergerd sinds het vorige rapport.`,
      `Opgelost in deze run (de regel gaf ze niet meer): ${resolvedTotal}.`,
      '',
      'Signalen per regel (nieuw of verergerd / eerder gemeld en nog open / opgelost in deze run):',
      ...ruleLines.map((r) => `- ${r.title} (${r.rule}): ${r.fresh} nieuw / ${r.older} eerder / ${r.resolved} opgelost`),
      '',
      ...judge,
    );
  }
  if (facts.feedbackOwed) {
    text.push(
      '',
      `Meldingen zonder terugkoppeling aan de melder na ${facts.feedbackOwed.days} dagen: ${facts.feedbackOwed.count} (zie signals.terugkoppeling_achterstallig).`,
    );
  }
  const spread = facts.concentrations ? concentrationText(facts.concentrations.list, facts.concentrations.factor) : [];
  if (spread.length) text.push('', ...spread);
  if (facts.trend && !quiet) {
    text.push('', 'Open signalen per regel aan het eind van de maand, en ontvangen meldingen (laatste 12 maanden):', ...trendTableText(facts.trend));
  }
  if (facts.rejected.length) {
    text.push('', 'Afgekeurde rijen in de invoer:', ...facts.rejected.map((r) => `- ${r.file}: ${aantal(r.rows, 'rij', 'rijen')} (${r.reasons.join('; ')})`));
  }
  text.push(
    '',
    'Signalen zijn aanwijzingen voor onderzoek door een medewerker, nooit besluiten.',
    'Dit bericht is automatisch verstuurd door het informatiepakhuis.',
  );

  const html = [
    '<!doctype html><html lang="nl"><body style="font-family:sans-serif">',
    facts.warnings.length ? `<p><strong>Let op:</strong></p><ul>${facts.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '',
    quiet
      ? `<p>Nachtelijke run ${facts.runId} van ${day}${esc(of)}: <strong>niets nieuws</strong>. Geen nieuwe of verergerde signalen sinds het vorige rapport. Nog open: ${openTotal}; opgelost in deze run: ${resolvedTotal}.</p><p>${esc(quietLine)}</p>`
      : [
          `<p>Nachtelijke run ${facts.runId} van ${day}${esc(of)}. In de bijlage (CSV en Excel) staan <strong>${facts.rows.length}</strong> signalen die nieuw zijn of verergerd sinds het vorige rapport. Opgelost in deze run: <strong>${resolvedTotal}</strong>.</p>`,
          '<table border="1" cellpadding="4" cellspacing="0"><tr><th>Regel</th><th>Nieuw of verergerd</th><th>Eerder gemeld, nog open</th><th>Opgelost in deze run</th></tr>',
          ...ruleLines.map(
            (r) => `<tr><td>${esc(r.title)} <small>(${esc(r.rule)})</small></td><td>${r.fresh}</td><td>${r.older}</td><td>${r.resolved}</td></tr>`,
          ),
          '</table>',
          `<p>${esc(judge[0]!)}<br><code>${esc(judge[1]!.trim())}</code><br>${esc(judge[2]!.trim())}<br>${esc(judge[3]!)}</p>`,
        ].join('\n'),
    facts.feedbackOwed
      ? `<p>Meldingen zonder terugkoppeling aan de melder na ${facts.feedbackOwed.days} dagen: <strong>${facts.feedbackOwed.count}</strong>.</p>`
      : '',
    spread.length
      ? `<p><strong>${esc(spread[0]!)}</strong></p><ul>${spread
          .slice(1, -1)
          .map((l) => `<li>${esc(l.slice(2))}</li>`)
          .join('')}</ul><p><em>${esc(spread.at(-1)!)}</em></p>`
      : '',
    facts.trend && !quiet ? '<h3>Ontwikkeling over de laatste 12 maanden</h3>' : '',
    facts.chartCid && !quiet
      ? `<p><img src="cid:${esc(facts.chartCid)}" alt="Grafiek: open signalen per regel en ontvangen meldingen per maand (de cijfers staan in de tabel eronder)" width="960"></p>`
      : '',
    facts.trend && !quiet ? trendTableHtml(facts.trend) : '',
    facts.rejected.length
      ? `<p>Afgekeurde rijen in de invoer:</p><ul>${facts.rejected.map((r) => `<li>${esc(r.file)}: ${aantal(r.rows, 'rij', 'rijen')} (${esc(r.reasons.join('; '))})</li>`).join('')}</ul>`
      : '',
    '<p>Signalen zijn aanwijzingen voor onderzoek door een medewerker, nooit besluiten.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text: text.join('\n'), html };
}
