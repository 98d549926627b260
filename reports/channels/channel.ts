/**
 * A report on its way out: what every channel shares (the outbox row's state and its files) and
 * what one channel needs (an e-mail's subject, bodies and recipients; a file drop's folder name).
 * The outbox (reports/outbox.ts) claims, counts and records; a ChannelSender only delivers.
 */
export const CHANNELS = ['email', 'file_drop'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Attachment {
  fileName: string;
  contentType: string;
  content: Buffer;
  /** Set for a picture an e-mail's HTML body shows inline (`<img src="cid:…">`). */
  contentId?: string;
}

export interface EmailPayload {
  subject: string;
  text: string;
  html: string;
  /** The recipients of the night it was made; it goes out to those still configured and allowed. */
  recipients: string[];
}

export interface Delivery {
  id: number;
  kind: 'nachtrapport' | 'overleg';
  channel: Channel;
  gemeentecode: string | null;
  /** When the report was made (ISO): with the id, what tells this delivery from another of the same name. */
  createdAt: string;
  email: EmailPayload | null;
  /** A file drop's folder under the configured one. */
  dropName: string | null;
  attachments: Attachment[];
}

export type SendOutcome =
  | {
      status: 'sent';
      /** The mail server's message id, or the folder the files landed in. */
      reference: string;
      /** The recipients it went to, when the channel has recipients. */
      recipients?: string[];
      /** Recipients the mail server refused while it took the report for the others. */
      refused: string[];
      notes: string[];
    }
  /** The settings in force no longer let it go anywhere (a recipient or folder no longer configured or allowed). */
  | { status: 'withheld'; reason: string; notes: string[] };

export interface ChannelSender {
  readonly channel: Channel;
  /** Whether the channel is set up at all; a delivery on a channel that is not waits in the outbox. */
  ready(): boolean;
  send(delivery: Delivery): Promise<SendOutcome>;
  /** Why a send failed, in Dutch, for the run's warning and `report --retry`. */
  describeError(error: unknown): string;
  /** What did not happen, in Dutch, before the reason: "e-mail niet verzonden". */
  readonly failedLabel: string;
  /** English log messages: sent, and failed (it stays in the outbox). */
  readonly log: { sent: string; failed: string; notReady: string };
}
