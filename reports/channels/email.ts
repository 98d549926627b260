import type { Config } from '../../lib/config.ts';
import { recipientsFor } from '../../lib/config.ts';
import { isAllowed } from '../../lib/recipients.ts';
import { checkedRecipients, createMailer, describeMailError, mailConfigured, type Mailer } from '../mailer.ts';
import type { ChannelSender, Delivery, SendOutcome } from './channel.ts';

/**
 * The report by e-mail. A report waits with the recipients of the night it was made, but it goes
 * out under the settings in force now: only to those stored recipients that are still configured
 * and allowed, so narrowing the list or the allow-list also stops waiting reports.
 */
export function emailChannel(config: Config, mailer?: Mailer): ChannelSender {
  let transport = mailer;
  return {
    channel: 'email',
    ready: () => mailConfigured(config),
    log: {
      sent: 'report e-mailed',
      failed: 'report e-mail failed; it stays in the outbox',
      notReady: 'reports are waiting in the outbox but SMTP is not configured',
    },
    failedLabel: 'e-mail niet verzonden',
    describeError: (error) => describeMailError(error, config),
    async send(delivery: Delivery): Promise<SendOutcome> {
      const mail = delivery.email;
      if (!mail) throw new Error(`outbox row ${delivery.id} has no e-mail payload`);
      const { setting, configured } = configuredRecipients(config, delivery);
      const stored = mail.recipients.length ? mail.recipients : configured;
      const recipients = stored.filter((r) => configured.some((c) => c.toLowerCase() === r.toLowerCase()) && isAllowed(r, config.REPORT_RECIPIENT_ALLOWLIST));
      const dropped = stored.filter((r) => !recipients.includes(r));
      const notes = dropped.length
        ? [`rapport ${delivery.id} gaat niet meer naar ${dropped.join(', ')}: niet meer ingesteld in ${setting} of niet toegestaan`]
        : [];
      if (recipients.length === 0) return { status: 'withheld', reason: 'geen van de ontvangers is nog ingesteld en toegestaan', notes };
      transport ??= createMailer(config);
      const { messageId, rejected } = await transport.send({
        to: recipients,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: delivery.attachments.map((a) => ({ filename: a.fileName, content: a.content, contentType: a.contentType, cid: a.contentId })),
      });
      return { status: 'sent', reference: messageId, recipients, refused: rejected, notes };
    },
  };
}

/** The setting that names a report's recipients now, and what it holds. */
function configuredRecipients(config: Config, delivery: Delivery): { setting: string; configured: string[] } {
  if (delivery.kind === 'overleg') return { setting: 'OVERLEG_RECIPIENTS', configured: checkedRecipients(config, 'OVERLEG_RECIPIENTS') };
  const code = delivery.gemeentecode;
  if (code === null) return { setting: 'REPORT_RECIPIENTS', configured: checkedRecipients(config) };
  const own = config.recipientsPerGemeente[code] !== undefined;
  return { setting: own ? `REPORT_RECIPIENTS_${code}` : 'REPORT_RECIPIENTS', configured: recipientsFor(config, code) };
}
