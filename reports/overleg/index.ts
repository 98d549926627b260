import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { aantal } from '../../lib/dutch.ts';
import type { PipelineContext } from '../../lib/context.ts';
import { checkedRecipients } from '../mailer.ts';
import { deliverPending, enqueue, trendWithChart, type DeliveryOutcome } from '../outbox.ts';
import { gemeentenOf } from '../../lib/config.ts';
import { chartSize } from '../trend-chart.ts';
import { overlegHtml } from './html.ts';
import { dmy, layout } from './layout.ts';
import { assertNoPseudonyms, OverlegError, overlegPeriod, overlegSections, type OverlegFilter, type Period } from './sections.ts';
import { overlegWorkbook } from './workbook.ts';
import { concentrations, concentrationText } from '../verantwoording/spreiding.ts';

export { OverlegError } from './sections.ts';

export interface OverlegOptions extends OverlegFilter {
  /** YYYY-MM */
  month: string;
  /** Path without extension: <out>.xlsx and <out>.html are written. */
  out: string;
  mail?: boolean;
  /** The day to count as today (ISO); default the database's. */
  today?: string;
}

export interface OverlegResult {
  period: Period;
  xlsx: string;
  html: string;
  counts: Record<string, number>;
  delivery?: DeliveryOutcome;
  warnings: string[];
}

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const monthName = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
const dayAfter = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The overview for the monthly ondermijningsoverleg: what is new since the previous overleg, what
 * is running, what was judged, which melders still wait for feedback, a dossier per address and
 * the trend. Written as a workbook and a printable page; with `mail`, sent to OVERLEG_RECIPIENTS
 * through the outbox, under the same allow-list as the nightly report. Making it records the
 * overleg, so the next month's overview starts where this one ends.
 */
export async function makeOverleg(ctx: PipelineContext, options: OverlegOptions): Promise<OverlegResult> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) throw new OverlegError(`maand "${options.month}" heeft niet de vorm JJJJ-MM (bijvoorbeeld 2026-11)`);
  // Settings first: a wrong recipient is found before anything is written.
  const recipients = options.mail ? overlegRecipients(ctx) : [];
  const warnings: string[] = [];
  const base = resolve(options.out.replace(/\.(xlsx|html?)$/i, ''));
  const paths = { xlsx: `${base}.xlsx`, html: `${base}.html` };
  await mkdir(dirname(base), { recursive: true });
  const result = await ctx.db
    .transaction(async (tx) => {
      const today = options.today ?? (await tx.query<{ d: string }>(`SELECT current_date::text AS d`)).rows[0]!.d;
      const period = await overlegPeriod(tx, options.month, today);
      const sections = await overlegSections(tx, period, options);
      assertNoPseudonyms(sections);
      const { trend, chart } = await trendWithChart(
        tx,
        period.until,
        (w) => warnings.push(w),
        // Without GEMEENTEN the trend is of the one municipality (0000), whatever code was asked for.
        gemeentenOf(ctx.config).gemeenten.length ? options.gemeenten : undefined,
      );
      const scope = options.gemeenten?.length ? `gemeente ${options.gemeenten.join(', ')}` : 'alle gemeenten samen';
      const title = `Ondermijningsoverleg ${monthName(options.month)}`;
      const lines = [
        `Overzicht van ${dmy(period.until)} (${scope}), nieuw ${period.afterPrevious ? `sinds het vorige overleg van ${dmy(period.since)}` : `sinds ${dmy(dayAfter(period.since))}`}.`,
        "Zonder namen, BSN's of pseudoniemen: adressen, aantallen en uitleg. Signalen zijn aanwijzingen voor onderzoek, nooit besluiten.",
      ];
      // Areas where a rule bites more than elsewhere, to discuss (with the caution); each measured
      // against its own municipality, and only those of the municipalities asked for.
      const spread = (await concentrations(tx, ctx.config)).filter((c) => !options.gemeenten?.length || options.gemeenten.includes(c.gemeentecode));
      lines.push(...concentrationText(spread, ctx.config.SPREIDING_FACTOR));
      const laid = layout(sections);
      const xlsx = overlegWorkbook({ title, lines, sections: laid, trend });
      const size = chartSize(trend.series.length);
      const page = (chartSrc?: string) => overlegHtml({ title, lines, sections: laid, trend, chartSrc, chartSize: chart ? size : undefined });
      const html = page(chart ? `data:image/png;base64,${(chart.content as Buffer).toString('base64')}` : undefined);
      await writeFile(`${paths.xlsx}.part`, xlsx);
      await writeFile(`${paths.html}.part`, html, 'utf8');
      await tx.query(
        `INSERT INTO pakhuis.overleg (month, peildatum) VALUES ($1::date, $2::date)
       ON CONFLICT (month) DO UPDATE SET peildatum = EXCLUDED.peildatum, made_at = clock_timestamp(), by_user = session_user`,
        [`${options.month}-01`, period.until],
      );
      const counts = Object.fromEntries(laid.map((s) => [s.title, s.rows.length]));
      let outboxId: number | undefined;
      if (options.mail) {
        const summary = laid.map((s) => `- ${s.title}: ${s.rows.length}`);
        outboxId = await enqueue(tx, {
          kind: 'overleg',
          runId: null,
          fileName: `${title}.xlsx`,
          filePath: paths.xlsx,
          payload: {
            channel: 'email',
            subject: `${title}: overzicht van ${dmy(period.until)}`,
            text: [
              title,
              '',
              ...lines,
              '',
              ...summary,
              '',
              'In de bijlagen: het overzicht als werkmap (één blad per onderdeel) en als afdrukbare pagina.',
            ].join('\n'),
            html: page(chart ? `cid:${chart.cid}` : undefined),
            recipients,
          },
          status: 'pending',
          attachments: [
            { filename: `overleg-${options.month}.xlsx`, content: xlsx, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
            { filename: `overleg-${options.month}.html`, content: html, contentType: 'text/html; charset=utf-8' },
            ...(chart ? [chart] : []),
          ],
        });
      }
      return { period, counts, outboxId };
    })
    .catch(async (error) => {
      await Promise.all([rm(`${paths.xlsx}.part`, { force: true }), rm(`${paths.html}.part`, { force: true })]);
      throw error;
    });
  await rename(`${paths.xlsx}.part`, paths.xlsx);
  await rename(`${paths.html}.part`, paths.html);
  ctx.log.info({ month: options.month, counts: result.counts, mail: Boolean(options.mail) }, 'overleg overview written');
  const delivery = result.outboxId === undefined ? undefined : await deliverPending(ctx, undefined, [result.outboxId]);
  if (delivery?.failed) warnings.push(`${delivery.errors[0]}; het overzicht blijft in de outbox (pakhuis report --retry)`);
  return { period: result.period, xlsx: paths.xlsx, html: paths.html, counts: result.counts, delivery, warnings };
}

function overlegRecipients(ctx: PipelineContext): string[] {
  if (!ctx.config.SMTP_HOST || ctx.config.OVERLEG_RECIPIENTS.length === 0) {
    throw new OverlegError('--mail vraagt SMTP_HOST en ten minste één adres in OVERLEG_RECIPIENTS');
  }
  return checkedRecipients(ctx.config, 'OVERLEG_RECIPIENTS');
}

export function formatOverleg(result: OverlegResult): string[] {
  return [
    `Overzicht ${result.period.month} (tot en met ${dmy(result.period.until)}): ${result.xlsx} en ${result.html}`,
    ...Object.entries(result.counts).map(([title, n]) => `  ${title}: ${aantal(n, 'rij', 'rijen')}`),
    ...(result.delivery ? [`  E-mail: ${result.delivery.sent} verzonden, ${result.delivery.failed} mislukt`] : []),
    ...result.warnings.map((w) => `  Waarschuwing: ${w}`),
  ];
}
