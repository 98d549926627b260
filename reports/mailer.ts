import nodemailer from 'nodemailer';
import type { Config } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';
import { isAllowed } from '../lib/recipients.ts';

export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  contentType: string;
  /** Set for a picture the HTML body shows inline (`<img src="cid:…">`). */
  cid?: string;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

export interface Mailer {
  /** `rejected`: recipients the server refused while it accepted the others. */
  send(mail: Mail): Promise<{ messageId: string; rejected: string[] }>;
}

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Whether reports can go out by e-mail at all: a host and at least one recipient. */
export function mailConfigured(config: Config): boolean {
  return Boolean(config.SMTP_HOST && config.REPORT_RECIPIENTS.length > 0);
}

/**
 * The recipients to send to: plain addresses as parsed at start-up (lib/recipients.ts), each
 * checked again here against the allow-list, for a configuration made without loadConfig. The
 * nightly report goes to REPORT_RECIPIENTS, the overleg overview to OVERLEG_RECIPIENTS; one
 * allow-list holds for both.
 */
export function checkedRecipients(config: Config, setting: 'REPORT_RECIPIENTS' | 'OVERLEG_RECIPIENTS' = 'REPORT_RECIPIENTS'): string[] {
  const refused = config[setting].filter((r) => !isAllowed(r, config.REPORT_RECIPIENT_ALLOWLIST));
  if (refused.length) throw new ConfigError([`${setting}: ${refused.join(', ')} not in REPORT_RECIPIENT_ALLOWLIST`]);
  return config[setting];
}

/**
 * SMTP through nodemailer. STARTTLS is required (the send fails rather than go out in clear
 * text) unless the server is on this machine or SMTP_ALLOW_PLAIN says so explicitly.
 */
export function createMailer(config: Config): Mailer {
  if (!config.SMTP_HOST) throw new ConfigError(['SMTP_HOST: not set']);
  const plain = config.SMTP_ALLOW_PLAIN || LOCAL_HOSTS.test(config.SMTP_HOST);
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_PORT === 465,
    requireTLS: !plain,
    ignoreTLS: false,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: config.REPORT_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType, cid: a.cid })),
      });
      return { messageId: info.messageId, rejected: (info.rejected ?? []).map((r) => (typeof r === 'string' ? r : r.address)) };
    },
  };
}

/**
 * Why a send failed, in Dutch, for the run's warning and the terminal. The technical message
 * (nodemailer's, in English) goes to the log and the outbox row; it never carries the password.
 */
export function describeMailError(error: unknown, config: Pick<Config, 'SMTP_HOST' | 'SMTP_PORT'>): string {
  const e = (error ?? {}) as { code?: string; message?: string; responseCode?: number; response?: string; rejected?: unknown };
  const server = `${config.SMTP_HOST}:${config.SMTP_PORT}`;
  const message = String(e.message ?? error);
  if (e.code === 'EENVELOPE' && Array.isArray(e.rejected) && e.rejected.length > 0) {
    return `de mailserver ${server} weigert ontvanger ${e.rejected.map((r) => JSON.stringify(String(r))).join(', ')}`;
  }
  if (e.code === 'EDNS') return `de mailserver ${JSON.stringify(config.SMTP_HOST)} is niet gevonden (DNS); controleer SMTP_HOST`;
  if (e.code === 'ETIMEDOUT') return `de mailserver ${server} antwoordt niet (time-out)`;
  if (e.code === 'EAUTH') return `aanmelden bij de mailserver ${server} is mislukt; controleer SMTP_USER en SMTP_PASSWORD`;
  if (e.code === 'ETLS' || /STARTTLS/i.test(message)) return `de mailserver ${server} biedt geen versleutelde verbinding (STARTTLS)`;
  if (/ECONNREFUSED/.test(message)) return `de mailserver ${server} is niet bereikbaar (verbinding geweigerd)`;
  if (e.code === 'ESOCKET' || e.code === 'ECONNECTION') return `de verbinding met de mailserver ${server} is mislukt`;
  if (e.responseCode) return `de mailserver ${server} weigert het bericht (code ${e.responseCode})`;
  return `verzenden via de mailserver ${server} is mislukt`;
}
