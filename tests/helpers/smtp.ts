import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** A real SMTP server on loopback that keeps what it receives, and can be told to refuse. */
export interface TestSmtp {
  port: number;
  received: ParsedMail[];
  /** The RCPT TO addresses of each received message: where it really went, whatever its headers say. */
  envelopes: string[][];
  refuse: boolean;
  /** Milliseconds to hold each message before accepting it, to make senders overlap. */
  delayMs: number;
  /** Addresses refused at RCPT TO, as a server refuses a mailbox it does not know. */
  refuseRecipients: string[];
  close(): Promise<void>;
}

export async function startSmtp(options: { starttls?: boolean } = {}): Promise<TestSmtp> {
  const state: TestSmtp = { port: 0, received: [], envelopes: [], refuse: false, delayMs: 0, refuseRecipients: [], close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!state.refuseRecipients.includes(address.address)) return callback();
      const error = new Error('mailbox unknown') as Error & { responseCode: number };
      error.responseCode = 550;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.refuse) {
          const error = new Error('mailbox unavailable') as Error & { responseCode: number };
          error.responseCode = 550;
          return callback(error);
        }
        state.envelopes.push(session.envelope.rcptTo.map((r) => r.address));
        state.received.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
