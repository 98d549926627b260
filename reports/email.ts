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
  rejected: { file: string; rows: number; reasons: string[] }[];
  warnings: string[];
  /** Meldingen whose melder has had no feedback after the term; absent while no meldpunt export is published. */
  feedbackOwed?: { count: number; days: number };
  /** The last twelve months per rule, shown as a table, and as a picture when `chartCid` names one. */
  trend?: TrendData;
  chartCid?: string;
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
  const perRule = new Map<string, { fresh: number; open: number }>();
  for (const [rule, open] of Object.entries(facts.openPerRule)) perRule.set(rule, { fresh: 0, open });
  for (const row of facts.rows) {
    const entry = perRule.get(row.rule_code) ?? { fresh: 0, open: 0 };
    entry.fresh++;
    perRule.set(row.rule_code, entry);
  }
  const ruleLines = [...perRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rule, c]) => ({ rule, fresh: c.fresh, older: Math.max(0, c.open - c.fresh) }));
  const subject = `Informatiepakhuis ${day}: ${facts.rows.length} nieuwe of verergerde signalen${facts.warnings.length ? ' (met waarschuwingen)' : ''}`;

  const text: string[] = [];
  if (facts.warnings.length) {
    text.push('LET OP', ...facts.warnings.map((w) => `- ${w}`), '');
  }
  text.push(
    `Nachtelijke run ${facts.runId} van ${day}.`,
    `In de bijlage staan ${facts.rows.length} signalen die nieuw zijn of verergerd sinds het vorige rapport.`,
    '',
    'Signalen per regel (nieuw of verergerd / al eerder gemeld en nog open):',
    ...ruleLines.map((r) => `- ${r.rule}: ${r.fresh} nieuw / ${r.older} eerder`),
  );
  if (facts.feedbackOwed) {
    text.push('', `Meldingen zonder terugkoppeling aan de melder na ${facts.feedbackOwed.days} dagen: ${facts.feedbackOwed.count} (zie signals.terugkoppeling_achterstallig).`);
  }
  const spread = facts.concentrations ? concentrationText(facts.concentrations.list, facts.concentrations.factor) : [];
  if (spread.length) text.push('', ...spread);
  if (facts.trend) {
    text.push('', 'Open signalen per regel aan het eind van de maand, en ontvangen meldingen (laatste 12 maanden):', ...trendTableText(facts.trend));
  }
  if (facts.rejected.length) {
    text.push('', 'Afgekeurde rijen in de invoer:', ...facts.rejected.map((r) => `- ${r.file}: ${aantal(r.rows, 'rij', 'rijen')} (${r.reasons.join('; ')})`));
  }
  text.push('', 'Signalen zijn aanwijzingen voor onderzoek door een medewerker, nooit besluiten.', 'Dit bericht is automatisch verstuurd door het informatiepakhuis.');

  const html = [
    '<!doctype html><html lang="nl"><body style="font-family:sans-serif">',
    facts.warnings.length ? `<p><strong>Let op:</strong></p><ul>${facts.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '',
    `<p>Nachtelijke run ${facts.runId} van ${day}. In de bijlage staan <strong>${facts.rows.length}</strong> signalen die nieuw zijn of verergerd sinds het vorige rapport.</p>`,
    '<table border="1" cellpadding="4" cellspacing="0"><tr><th>Regel</th><th>Nieuw of verergerd</th><th>Eerder gemeld, nog open</th></tr>',
    ...ruleLines.map((r) => `<tr><td>${esc(r.rule)}</td><td>${r.fresh}</td><td>${r.older}</td></tr>`),
    '</table>',
    facts.feedbackOwed
      ? `<p>Meldingen zonder terugkoppeling aan de melder na ${facts.feedbackOwed.days} dagen: <strong>${facts.feedbackOwed.count}</strong>.</p>`
      : '',
    spread.length
      ? `<p><strong>${esc(spread[0]!)}</strong></p><ul>${spread.slice(1, -1).map((l) => `<li>${esc(l.slice(2))}</li>`).join('')}</ul><p><em>${esc(spread.at(-1)!)}</em></p>`
      : '',
    facts.trend ? '<h3>Ontwikkeling over de laatste 12 maanden</h3>' : '',
    facts.chartCid ? `<p><img src="cid:${esc(facts.chartCid)}" alt="Grafiek: open signalen per regel en ontvangen meldingen per maand (de cijfers staan in de tabel eronder)" width="960"></p>` : '',
    facts.trend ? trendTableHtml(facts.trend) : '',
    facts.rejected.length
      ? `<p>Afgekeurde rijen in de invoer:</p><ul>${facts.rejected.map((r) => `<li>${esc(r.file)}: ${aantal(r.rows, 'rij', 'rijen')} (${esc(r.reasons.join('; '))})</li>`).join('')}</ul>`
      : '',
    '<p>Signalen zijn aanwijzingen voor onderzoek door een medewerker, nooit besluiten.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text: text.join('\n'), html };
}
