import type { PipelineContext } from '../lib/context.ts';
import { oneLine } from '../lib/errors.ts';
import { sql } from 'kysely';
import { kyselyOf } from '../lib/kysely.ts';
import type { Mailer } from './mailer.ts';
import type { Channel, ChannelSender, Delivery } from './channels/channel.ts';
import { emailChannel } from './channels/email.ts';
import { fileDropChannel } from './channels/file-drop.ts';

export interface DeliveryOutcome {
  sent: number;
  failed: number;
  /** Reports not sent because none of their recipients is still configured and allowed. */
  withheld: number;
  /** Why each failed send failed, in Dutch. */
  errors: string[];
  /** One Dutch line per recipient left out of a waiting report (no longer configured or allowed). */
  notes: string[];
  /** Recipients the mail server refused while it took the report for the others. */
  refused: string[];
}

/** The sender of each channel: e-mail (through `mailer` when given, for a test) and file drop. */
export function channelSenders(ctx: PipelineContext, mailer?: Mailer): Record<Channel, ChannelSender> {
  return { email: emailChannel(ctx.config, mailer), file_drop: fileDropChannel(ctx.config) };
}

/**
 * Sends every pending report (or those in `only`), oldest first, each by its channel's sender; a
 * failure stays pending for the next run (or `report --retry`), its attempts counted.
 *
 * Each row is sent inside a transaction that holds it (FOR UPDATE SKIP LOCKED), so two `report
 * --retry` at once, or a retry beside the nightly run, send it once: the second finds it locked, or
 * no longer pending, and leaves it. A crash between the send and the commit leaves it pending: an
 * e-mail goes at least once, never silently lost; a file drop finds its own folder and does not
 * write it again. A report goes out under the settings in force now: a channel's sender withholds
 * it (not_sent) when no recipient or folder it may use is still configured.
 */
export async function deliverPending(ctx: PipelineContext, mailer?: Mailer, only?: number[]): Promise<DeliveryOutcome> {
  const { db, log } = ctx;
  const outcome: DeliveryOutcome = { sent: 0, failed: 0, withheld: 0, errors: [], notes: [], refused: [] };
  if (only?.length === 0) return outcome;
  const waiting = await kyselyOf(db)
    .selectFrom('pakhuis.report_outbox')
    .select(['id', sql<Channel>`channel`.as('channel')])
    .where('status', '=', 'pending')
    .$if(only !== undefined, (q) => q.where('id', 'in', only!))
    .orderBy('id')
    .execute();
  if (waiting.length === 0) return outcome;
  const senders = channelSenders(ctx, mailer);
  const ready = waiting.filter((w) => senders[w.channel].ready());
  for (const channel of new Set(waiting.filter((w) => !ready.includes(w)).map((w) => w.channel))) {
    log.warn({ pending: waiting.filter((w) => w.channel === channel).length, channel }, senders[channel].log.notReady);
  }
  for (const { id, channel } of ready) {
    const sender = senders[channel];
    await db.transaction(async (tx) => {
      const k = kyselyOf(tx);
      const row = await k
        .selectFrom('pakhuis.report_outbox')
        .select([
          'id',
          sql<Delivery['kind']>`kind`.as('kind'),
          sql<Channel>`channel`.as('channel'),
          // A string, not a Date: the file drop's manifest compares it exactly, to the microsecond.
          sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_at'),
          'subject',
          'text_body',
          'html_body',
          'recipients',
          'drop_name',
          'gemeentecode',
        ])
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return;
      const outboxId = Number(row.id);
      const files = await k
        .selectFrom('pakhuis.report_attachments')
        .select(['file_name', 'content_type', 'content', 'content_id'])
        .where('outbox_id', '=', outboxId)
        .orderBy('position')
        .execute();
      const delivery: Delivery = {
        id: outboxId,
        kind: row.kind,
        channel: row.channel,
        gemeentecode: row.gemeentecode,
        createdAt: row.created_at,
        email:
          row.subject === null || row.text_body === null || row.html_body === null
            ? null
            : { subject: row.subject, text: row.text_body, html: row.html_body, recipients: row.recipients },
        dropName: row.drop_name,
        attachments: files.map((a) => ({
          fileName: a.file_name,
          contentType: a.content_type,
          content: Buffer.from(a.content),
          contentId: a.content_id ?? undefined,
        })),
      };
      try {
        const sent = await sender.send(delivery);
        outcome.notes.push(...sent.notes);
        if (sent.status === 'withheld') {
          await k.updateTable('pakhuis.report_outbox').set({ status: 'not_sent', last_error: sent.reason }).where('id', '=', outboxId).execute();
          outcome.withheld++;
          log.warn({ outboxId, channel }, 'report not sent: no recipient or folder it may go to is still configured and allowed');
          return;
        }
        await k
          .updateTable('pakhuis.report_outbox')
          .set((eb) => ({
            status: 'sent',
            sent_at: sql<Date>`clock_timestamp()`,
            message_id: sent.reference,
            ...(sent.recipients ? { recipients: sent.recipients } : {}),
            attempts: eb('attempts', '+', 1),
            last_error: null,
          }))
          .where('id', '=', outboxId)
          .execute();
        outcome.sent++;
        // A typo'd address the server refuses while it takes the others: sent, yet someone did not get it.
        for (const r of sent.refused) if (!outcome.refused.includes(r)) outcome.refused.push(r);
        log.info({ outboxId, channel, recipients: sent.recipients?.length, refused: sent.refused.length }, sender.log.sent);
      } catch (error) {
        const message = oneLine(error);
        await k
          .updateTable('pakhuis.report_outbox')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: message }))
          .where('id', '=', outboxId)
          .execute();
        outcome.failed++;
        outcome.errors.push(`${sender.failedLabel}: ${sender.describeError(error)}`);
        // The message and code are the detail; a stack trace of a refused connection says nothing
        // more, and on a terminal it stood in English beside the Dutch warning (debug keeps it).
        log.warn({ outboxId, error: message, code: (error as { code?: unknown }).code }, sender.log.failed);
        log.debug({ outboxId, err: error }, 'report delivery failure, full error');
      }
    });
  }
  return outcome;
}
