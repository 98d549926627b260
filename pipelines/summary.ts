import type { RunSummary } from './run.ts';
import { aantal } from '../lib/dutch.ts';
import { printable } from '../lib/terminal.ts';

/** The short text a person reads after a run: what was loaded, lost, found, and where the report is. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  lines.push(`Run ${summary.runId}: ${summary.status === 'succeeded' ? 'geslaagd' : 'MISLUKT'} in ${(summary.ms / 1000).toFixed(1)} s`);
  if (summary.files.length === 0) lines.push('  Geen nieuwe bestanden in de inbox.');
  for (const f of summary.files) {
    const what =
      f.status === 'loaded' ? `${aantal(f.rowsStaged, 'rij', 'rijen')} geladen, ${f.rowsRejected} afgekeurd`
      : f.status === 'duplicate' ? 'overgeslagen: deze inhoud is al eerder geladen'
      : `geweigerd: ${f.error}`;
    lines.push(`  ${f.source.padEnd(9)} ${f.file}: ${what}`);
    for (const r of f.reasons.slice(0, 5)) lines.push(`              ${r.count}x ${r.column}: ${r.reason}`);
  }
  for (const w of summary.warnings) lines.push(`  Waarschuwing: ${w}`);
  if (summary.publish) {
    const s = summary.publish.signals;
    lines.push(`  Signalen: ${s.open} open (${s.new} nieuw, ${s.worsened} verergerd, ${s.resolved} opgelost)`);
    for (const [rule, n] of Object.entries(summary.signalsPerRule)) lines.push(`    ${rule.padEnd(28)} ${n}`);
    const rates = Object.entries(summary.publish.matchRates).map(
      ([source, methods]) => `${source} ${Object.entries(methods).map(([m, r]) => `${m} ${(r.share * 100).toFixed(1)}%`).join(', ')}`,
    );
    if (rates.length) lines.push(`  Adreskoppeling: ${rates.join('; ')}`);
  }
  if (summary.reportPath) lines.push(`  Rapport: ${summary.reportPath} (${summary.reportRows} nieuwe of verergerde signalen)`);
  if (summary.delivery && (summary.delivery.sent || summary.delivery.failed)) {
    lines.push(`  E-mail: ${summary.delivery.sent} verzonden, ${summary.delivery.failed} mislukt`);
  }
  if (summary.error) lines.push(`  Fout${summary.failedStep ? ` in stap ${summary.failedStep}` : ''}: ${summary.error}`);
  // File names and errors quote what came in from outside: no control character reaches the terminal.
  return lines.map(printable).join('\n');
}
