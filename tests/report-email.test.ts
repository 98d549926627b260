import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { formatSummary } from '../pipelines/summary.ts';
import { toCsv } from '../reports/csv.ts';
import { createMailer } from '../reports/mailer.ts';
import { deliverPending } from '../reports/outbox.ts';
import { loadConfig } from '../lib/config.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';
import { reportRows } from './helpers/report-csv.ts';
import { startSmtp, type TestSmtp } from './helpers/smtp.ts';
import type { ParsedMail } from 'mailparser';
import * as XLSX from 'xlsx';
import { readZipText } from './helpers/zip.ts';
import { writeXlsx } from '../reports/xlsx-writer.ts';

/** The CSV attached to a report mail (the trend chart travels beside it, inline). */
const csvOf = (mail: ParsedMail): string => mail.attachments.find((a) => a.contentType.startsWith('text/csv'))!.content.toString('utf8');

function attachedSignals(csv: string): { rule: string; vbo: string; street: string }[] {
  return reportRows(csv).map((r) => ({ rule: r.Regel!, vbo: r.Verblijfsobject!, street: r.Straat! }));
}

describe('nightly report by e-mail', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  const a = vbo(11, 100);
  const b = vbo(12, 90);
  const c = vbo(13, 100);

  beforeAll(async () => {
    smtp = await startSmtp();
    // Every night mailed (REPORT_NOTHING_NEW=dagelijks) until the last test, which is about quiet nights.
    ctx = await createTestContext({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: smtp.port,
      REPORT_RECIPIENTS: 'oov@gemeente.example,analist@gemeente.example',
      REPORT_NOTHING_NEW: 'dagelijks',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  const deliver = async (name: string, bag: string, brp: string) => {
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', `bag-${name}.csv`), bag);
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', `brp-${name}.csv`), brp);
    return runPipeline(ctx, { trigger: 'test' });
  };

  it('mails a Dutch summary with exactly the new signals attached, and records the delivery', async () => {
    // A hostile street name arrives from the source file: it must reach Excel as text, not a formula.
    const bag = bagCsv([a, b, c]).replace(/Teststraat(;11;)/, '=HYPERLINK("http://x.example")$1');
    const run = await deliver('1', bag, brpCsv([...persons(12, a), ...persons(3, b), ...persons(3, c)]));
    expect(run.status).toBe('succeeded');
    expect(run.delivery).toMatchObject({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toMatch(/^Informatiepakhuis \d{4}-\d{2}-\d{2}: 1 nieuw of verergerd signaal/);
    // Rules by their Dutch title, the code beside it; resolved counted; how to record a judgement.
    expect(mail.text).toContain('- Overbewoning: minder woonoppervlakte per ingeschreven persoon dan de norm (OVERBEWONING): 1 nieuw / 0 eerder / 0 opgelost');
    expect(mail.text).toContain('Opgelost in deze run (de regel gaf ze niet meer): 0.');
    expect(mail.text).toContain('pakhuis triage <signaal> in_onderzoek --toegewezen <naam>');
    expect(mail.text).toContain('binnen 4 weken een status, binnen 6 maanden een resultaat');
    expect(mail.html).toContain(
      '<td>Overbewoning: minder woonoppervlakte per ingeschreven persoon dan de norm <small>(OVERBEWONING)</small></td><td>1</td><td>0</td><td>0</td>',
    );
    expect(mail.text).not.toMatch(/https?:/);
    expect(mail.to && 'value' in mail.to ? mail.to.value.map((v) => v.address) : []).toEqual(['oov@gemeente.example', 'analist@gemeente.example']);
    // The CSV, and the trend chart shown inline (cid): a picture every mail client shows.
    expect(mail.attachments.map((x) => [x.contentType, x.related ?? false])).toEqual(
      expect.arrayContaining([
        ['text/csv', false],
        ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', false],
        ['image/png', true],
      ]),
    );
    expect(mail.attachments).toHaveLength(3);
    // The workbook: the same rows, the BAG id as text with its leading zero, the hostile street as
    // text and never a formula, a frozen header, wrapped text and set widths.
    const xlsx = mail.attachments.find((x) => x.filename?.endsWith('.xlsx'))!;
    expect(xlsx.filename).toBe(mail.attachments.find((x) => x.contentType.startsWith('text/csv'))!.filename!.replace(/\.csv$/, '.xlsx'));
    const book = XLSX.read(xlsx.content, { type: 'buffer' });
    expect(book.SheetNames).toEqual(['Signalen', 'Toelichting']);
    const sheet = book.Sheets.Signalen!;
    const above = run.warnings.length; // each warning on a row above the header
    const table = XLSX.utils.sheet_to_json<Record<string, unknown>>(sheet, { range: above });
    expect(table).toEqual([
      expect.objectContaining({ Regel: 'OVERBEWONING', Verblijfsobject: a.id, Straat: '=HYPERLINK("http://x.example")', 'Nieuw of verergerd': 'nieuw' }),
    ]);
    const cells = Object.entries(sheet)
      .filter(([ref]) => !ref.startsWith('!'))
      .map(([, c]) => c as XLSX.CellObject);
    expect(cells.filter((c) => c.f !== undefined)).toEqual([]);
    expect(cells.find((c) => c.v === a.id)?.t).toBe('s');
    const sheetXml = await readZipText(xlsx.content, 'xl/worksheets/sheet1.xml');
    expect(sheetXml).toContain(`<pane ySplit="${above + 1}" topLeftCell="A${above + 2}" activePane="bottomLeft" state="frozen"/>`);
    expect(sheetXml).toMatch(/<col min="15" max="15" width="44" customWidth="1"\/>/);
    expect(await readZipText(xlsx.content, 'xl/styles.xml')).toContain('wrapText="1"');
    // mailparser puts an inline picture into the HTML only when its cid resolves to an attachment.
    expect(mail.html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]{100,}"/);
    const csv = csvOf(mail);
    expect(attachedSignals(csv)).toEqual([{ rule: 'OVERBEWONING', vbo: a.id, street: `'=HYPERLINK("http://x.example")` }]);
    const { rows } = await ctx.db.query<{ status: string; message_id: string; recipients: string[]; carried: number }>(
      `SELECT o.status, o.message_id, o.recipients, (SELECT count(*)::int FROM pakhuis.report_signals rs WHERE rs.outbox_id = o.id) AS carried FROM pakhuis.report_outbox o`,
    );
    expect(rows).toEqual([
      { status: 'sent', message_id: expect.stringMatching(/@/), recipients: ['oov@gemeente.example', 'analist@gemeente.example'], carried: 1 },
    ]);
  });

  it('keeps a refused report in the outbox and sends it, without repeats, on the next run', async () => {
    smtp.refuse = true;
    const refused = await deliver('2', bagCsv([a, b, c]) + '\n', brpCsv([...persons(12, a), ...persons(9, b), ...persons(3, c)]));
    expect(refused.status).toBe('succeeded');
    expect(refused.delivery).toMatchObject({ sent: 0, failed: 1 });
    expect(refused.warnings.join(' ')).toContain('e-mail niet verzonden');
    expect((await ctx.db.query(`SELECT status FROM pakhuis.report_outbox ORDER BY id`)).rows).toEqual([{ status: 'sent' }, { status: 'pending' }]);

    smtp.refuse = false;
    const next = await deliver('3', bagCsv([a, b, c]) + '\n\n', brpCsv([...persons(12, a), ...persons(9, b), ...persons(12, c)]));
    expect(next.delivery).toMatchObject({ sent: 2, failed: 0 });
    expect(smtp.received).toHaveLength(3);
    // The retried report carries b (new in run 2); tonight's carries only c: a is never repeated.
    expect(attachedSignals(csvOf(smtp.received[1]!)).map((s) => s.vbo)).toEqual([b.id]);
    expect(attachedSignals(csvOf(smtp.received[2]!)).map((s) => s.vbo)).toEqual([c.id]);
  });

  it('reports a signal again when it gets worse', async () => {
    const worse = await deliver('4', bagCsv([a, b, c]) + '\n\n\n', brpCsv([...persons(14, a), ...persons(9, b), ...persons(12, c)]));
    expect(worse.publish!.signals.worsened).toBe(1);
    const last = smtp.received.at(-1)!;
    expect(attachedSignals(csvOf(last)).map((s) => s.vbo)).toEqual([a.id]);
  });

  it('names a recipient the mail server refuses, whether the others got the report or nobody did', async () => {
    smtp.refuseRecipients = ['analist@gemeente.example'];
    const before = smtp.received.length;
    const partly = await runPipeline(ctx, { trigger: 'test' });
    expect(partly.delivery).toMatchObject({ sent: 1, failed: 0, refused: ['analist@gemeente.example'] });
    expect(partly.warnings).toContain(
      'de mailserver weigerde ontvanger "analist@gemeente.example"; de andere ontvangers kregen het rapport. Controleer REPORT_RECIPIENTS',
    );
    expect(smtp.received).toHaveLength(before + 1);

    smtp.refuseRecipients = ['oov@gemeente.example', 'analist@gemeente.example'];
    const nobody = await runPipeline(ctx, { trigger: 'test' });
    expect(nobody.delivery).toMatchObject({ sent: 0, failed: 1 });
    expect(nobody.warnings.join('\n')).toContain(
      `e-mail niet verzonden: de mailserver 127.0.0.1:${smtp.port} weigert ontvanger "oov@gemeente.example", "analist@gemeente.example".`,
    );
    smtp.refuseRecipients = [];
  });

  it('mails nothing on a quiet night but a short "niets nieuws" once a week, or every night, or never (REPORT_NOTHING_NEW)', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const quietNight = async (today: string) => {
      const before = smtp.received.length;
      const run = await runPipeline(ctx, { trigger: 'test', today });
      expect(run.status).toBe('succeeded');
      const { rows } = await ctx.db.query<{ mail_status: string }>(`SELECT mail_status FROM signals.runs WHERE run_id = $1`, [run.runId]);
      // The run's summary says so too, where the beheerder reads it.
      expect(formatSummary(run).includes('niet gemaild: niets nieuws (REPORT_NOTHING_NEW)')).toBe(rows[0]!.mail_status === 'niets_nieuws');
      return { mails: smtp.received.slice(before), mailStatus: rows[0]!.mail_status };
    };
    // The report the last test left waiting goes first, so that what follows is tonight's alone.
    expect(await deliverPending(ctx)).toMatchObject({ sent: 1, failed: 0 });
    ctx.config.REPORT_NOTHING_NEW = 'wekelijks';
    // Mails went out today: nothing tonight, and signals.runs says why.
    expect(await quietNight(day(0))).toEqual({ mails: [], mailStatus: 'niets_nieuws' });
    // A week without a mail: one short mail, without the chart, with the XLSX (empty) beside the CSV.
    const weekly = await quietNight(day(8));
    expect(weekly.mails).toHaveLength(1);
    expect(weekly.mails[0]!.subject).toMatch(new RegExp(`^Informatiepakhuis ${day(8)}: niets nieuws`));
    expect(weekly.mails[0]!.text).toContain(
      'Op een nacht zonder nieuwe of verergerde signalen komt dit korte bericht één keer per week (instelling REPORT_NOTHING_NEW).',
    );
    expect(weekly.mails[0]!.attachments.map((x) => x.contentType).sort()).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
    ]);
    // Never: not even after more than a week.
    ctx.config.REPORT_NOTHING_NEW = 'nooit';
    expect(await quietNight(day(20))).toEqual({ mails: [], mailStatus: 'niets_nieuws' });
    ctx.config.REPORT_NOTHING_NEW = 'dagelijks';
    const daily = await quietNight(day(21));
    expect(daily.mails.map((m) => m.subject)).toEqual([expect.stringMatching(/: niets nieuws/)]);
    expect(daily.mailStatus).toBe('sent');
  });
});

describe('the workbook writer', () => {
  it('writes text as text (formula starts, control characters, ids), numbers as numbers, and a sheet name Excel accepts', async () => {
    const book = writeXlsx([
      {
        name: 'Signalen: a/b [1]*?',
        preamble: ['Waarschuwing: <niets>'],
        columns: [
          { header: 'Tekst', width: 20 },
          { header: 'Getal', width: 8 },
          { header: 'Verborgen', width: 8, hidden: true },
        ],
        rows: [
          ['=HYPERLINK("http://x.example")', -12.5, 'x'],
          ['bel\u0007\u001b[2J', 3, null],
          ['0632010000000003', Number.NaN, ''],
        ],
      },
    ]);
    const read = XLSX.read(book, { type: 'buffer' });
    expect(read.SheetNames).toEqual(['Signalen  a b  1']);
    const sheet = read.Sheets[read.SheetNames[0]!]!;
    expect(XLSX.utils.sheet_to_json(sheet, { header: 1, defval: null })).toEqual([
      ['Waarschuwing: <niets>', null, null],
      ['Tekst', 'Getal', 'Verborgen'],
      ['=HYPERLINK("http://x.example")', -12.5, 'x'],
      ['bel\ufffd\ufffd[2J', 3, null],
      ['0632010000000003', null, null],
    ]);
    expect(Object.values(sheet).filter((c) => typeof c === 'object' && c !== null && 'f' in c)).toEqual([]);
    expect(sheet.A5).toMatchObject({ t: 's', v: '0632010000000003' });
    const xml = await readZipText(book, 'xl/worksheets/sheet1.xml');
    expect(xml).toContain('<mergeCell ref="A1:C1"/>');
    expect(xml).toContain('<col min="3" max="3" width="8" customWidth="1" hidden="1"/>');
    expect(xml).toContain('<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>');
  });
});

describe('CSV cells for Excel', () => {
  it('neutralises formula starts in text and leaves real numbers alone', () => {
    const csv = toCsv(
      [
        { header: 'Tekst', value: (r: { t: string; n: number }) => r.t },
        { header: 'Getal', value: (r: { t: string; n: number }) => r.n, numeric: true },
      ],
      [
        { t: '=1+1', n: -12.5 },
        { t: '+31 6', n: 3 },
        { t: '-rm', n: 0 },
        { t: '@SUM(A1)', n: 1 },
        { t: '\tx', n: 2 },
        { t: 'gewoon', n: 4 },
      ],
    );
    expect(csv.split('\r\n').slice(1, 7)).toEqual(["'=1+1;-12,5", "'+31 6;3", "'-rm;0", "'@SUM(A1);1", "'\tx;2", 'gewoon;4']);
  });

  it('keeps identifiers as text in Excel, and writes a formula around nothing but digits', () => {
    const csv = toCsv(
      [{ header: 'Verblijfsobject', value: (r: { id: string }) => r.id, identifier: true }],
      [{ id: '0632010000000003' }, { id: '=HYPERLINK("x")' }, { id: '12 34' }],
    );
    expect(csv.split('\r\n').slice(1, 4)).toEqual(['"=""0632010000000003"""', `"'=HYPERLINK(""x"")"`, '12 34']);
  });
});

describe('mail configuration', () => {
  it('refuses recipients outside the allow-list instead of sending, also when the configuration was not loaded from settings', async () => {
    const smtp2 = await startSmtp();
    const allowed = await createTestContext({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: smtp2.port,
      REPORT_RECIPIENTS: 'oov@gemeente.example',
      REPORT_RECIPIENT_ALLOWLIST: '@gemeente.example',
    });
    // loadConfig refuses such a setting at start-up (tests/config.test.ts); the run checks again.
    const ctx2 = { ...allowed, config: { ...allowed.config, REPORT_RECIPIENTS: ['oov@gemeente.example', 'iemand@elders.example'] } };
    try {
      await writeFileIn(join(ctx2.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([vbo(1, 100)]));
      const run = await runPipeline(ctx2, { trigger: 'test' });
      expect(run.status).toBe('failed');
      // Checked before anything is loaded: the file waits in the inbox for a corrected setting.
      expect(run.failedStep).toBe('configuration');
      // The refused recipient is named: it is configuration, not a resident's data.
      expect(run.error).toContain('iemand@elders.example not in REPORT_RECIPIENT_ALLOWLIST');
      expect(smtp2.received).toHaveLength(0);
      expect((await ctx2.db.query('SELECT count(*)::int AS n FROM pakhuis.signals')).rows).toEqual([{ n: 0 }]);
      expect((await ctx2.db.query('SELECT count(*)::int AS n FROM pakhuis.loads')).rows).toEqual([{ n: 0 }]);
      expect(existsSync(join(ctx2.config.INBOX_DIR, 'bag', 'bag.csv'))).toBe(true);
    } finally {
      await allowed.close();
      await smtp2.close();
    }
  });

  it('sends to exactly the parsed plain addresses it checked', async () => {
    const smtp2 = await startSmtp();
    const ctx2 = await createTestContext({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: smtp2.port,
      REPORT_RECIPIENTS: ' oov@gemeente.example ,Analist@Gemeente.Example',
      REPORT_RECIPIENT_ALLOWLIST: '@gemeente.example',
    });
    try {
      await writeFileIn(join(ctx2.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([vbo(1, 100)]));
      const run = await runPipeline(ctx2, { trigger: 'test' });
      expect(run.delivery).toMatchObject({ sent: 1, failed: 0 });
      expect(smtp2.envelopes).toEqual([['oov@gemeente.example', 'Analist@gemeente.example']]);
      expect((await ctx2.db.query('SELECT recipients FROM pakhuis.report_outbox')).rows).toEqual([
        { recipients: ['oov@gemeente.example', 'Analist@gemeente.example'] },
      ]);
    } finally {
      await ctx2.close();
      await smtp2.close();
    }
  });

  it('requires STARTTLS for a mail server that is not on this machine', async () => {
    const smtp3 = await startSmtp();
    try {
      // 0.0.0.0 reaches this machine on Linux but is not one of the names the mailer trusts as local.
      const remote = createMailer(
        loadConfig({ env: {}, overrides: { SMTP_HOST: '0.0.0.0', SMTP_PORT: smtp3.port, REPORT_RECIPIENTS: 'oov@gemeente.example' } }),
      );
      await expect(
        remote.send({
          to: ['oov@gemeente.example'],
          subject: 's',
          text: 't',
          html: 'h',
          attachments: [{ filename: 'a.csv', content: 'x', contentType: 'text/csv' }],
        }),
      ).rejects.toThrow(/STARTTLS/i);
      expect(smtp3.received).toHaveLength(0);
    } finally {
      await smtp3.close();
    }
  });
});

describe('report --retry', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;
  const stored = ['oov@gemeente.example', 'analist@gemeente.example'];

  beforeAll(async () => {
    smtp = await startSmtp();
    // Nights without signals: mailed all the same (REPORT_NOTHING_NEW=dagelijks), to have a report that waits.
    ctx = await createTestContext({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: smtp.port,
      REPORT_RECIPIENTS: stored.join(','),
      REPORT_RECIPIENT_ALLOWLIST: '@gemeente.example',
      REPORT_NOTHING_NEW: 'dagelijks',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  /** A run whose report the mail server refuses: it waits in the outbox with tonight's recipients. */
  const waitingReport = async (n: number): Promise<number> => {
    smtp.refuse = true;
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', `bag-${n}.csv`), bagCsv([vbo(40 + n, 100)]) + '\n'.repeat(n));
    const run = await runPipeline(ctx, { trigger: 'test' });
    smtp.refuse = false;
    expect(run.delivery).toMatchObject({ sent: 0, failed: 1 });
    const { rows } = await ctx.db.query<{ id: string; recipients: string[] }>(
      `SELECT id::int AS id, recipients FROM pakhuis.report_outbox WHERE status = 'pending'`,
    );
    expect(rows).toEqual([{ id: expect.any(Number), recipients: stored }]);
    return Number(rows[0]!.id);
  };

  it('sends a waiting report only to stored recipients that are still configured and allowed', async () => {
    const id = await waitingReport(1);
    const before = smtp.envelopes.length;
    // The list was narrowed (analist left) and someone new was added since the report was made.
    const narrowed = { ...ctx, config: { ...ctx.config, REPORT_RECIPIENTS: ['oov@gemeente.example', 'nieuw@gemeente.example'] } };
    const outcome = await deliverPending(narrowed);
    expect(outcome).toMatchObject({ sent: 1, failed: 0, withheld: 0 });
    expect(outcome.notes).toEqual([`rapport ${id} gaat niet meer naar analist@gemeente.example: niet meer ingesteld in REPORT_RECIPIENTS of niet toegestaan`]);
    expect(smtp.envelopes.slice(before)).toEqual([['oov@gemeente.example']]);
  });

  it('sends nothing when none of the stored recipients is still allowed, and says so', async () => {
    const id = await waitingReport(2);
    const before = smtp.envelopes.length;
    const moved = {
      ...ctx,
      config: { ...ctx.config, REPORT_RECIPIENTS: ['oov@nieuwegemeente.example'], REPORT_RECIPIENT_ALLOWLIST: ['@nieuwegemeente.example'] },
    };
    const outcome = await deliverPending(moved);
    expect(outcome).toMatchObject({ sent: 0, failed: 0, withheld: 1 });
    expect(outcome.notes).toHaveLength(1);
    expect(smtp.envelopes.length).toBe(before);
    expect((await ctx.db.query(`SELECT status FROM pakhuis.report_outbox WHERE id = $1`, [id])).rows).toEqual([{ status: 'not_sent' }]);
  });

  // Two processes: only a database server can be shared between them.
  it.skipIf(!process.env.DATABASE_URL)('sends a report once when two report --retry run at once', async () => {
    const id = await waitingReport(3);
    const before = smtp.received.length;
    smtp.delayMs = 2500;
    try {
      const retry = () =>
        promisify(execFile)('node', [BIN, 'report', '--retry'], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DATABASE_URL: ctx.url,
            SMTP_HOST: '127.0.0.1',
            SMTP_PORT: String(smtp.port),
            REPORT_RECIPIENTS: stored.join(','),
            LOG_FORMAT: 'json',
            LOG_LEVEL: 'warn',
          },
        });
      const outputs = await Promise.all([retry(), retry()]);
      expect(smtp.received.length - before).toBe(1);
      expect(outputs.map((o) => o.stdout.trim()).sort()).toEqual(['0 rapporten verzonden, 0 mislukt', '1 rapport verzonden, 0 mislukt']);
      expect((await ctx.db.query(`SELECT status, attempts FROM pakhuis.report_outbox WHERE id = $1`, [id])).rows).toEqual([{ status: 'sent', attempts: 2 }]);
    } finally {
      smtp.delayMs = 0;
    }
  });
});
