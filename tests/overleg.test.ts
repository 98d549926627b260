import { execFile } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { ConfigError } from '../lib/errors.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { makeOverleg, type OverlegResult } from '../reports/overleg/index.ts';
import { chartSize } from '../reports/trend-chart.ts';
import { RULES } from '../rules/index.ts';
import { generateMunicipality, type GeneratedMunicipality } from '../synthetic/municipality.ts';
import { hasChromium, withBrowser } from './helpers/browser.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { startSmtp, type TestSmtp } from './helpers/smtp.ts';

const SHEETS = ['Overzicht', 'Nieuwe signalen', 'Nieuwe meldingen', 'Lopende signalen', 'Beoordeeld', 'Terugkoppeling open', 'Dossiers', 'Trend'];

/**
 * The synthetic municipality with its meldpunt export, one nightly run, some judgements and
 * feedback, and then the overview for the overleg: what partners get to see must hold no person.
 */
describe('the monthly overleg over the synthetic municipality', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  let generated: GeneratedMunicipality;
  let run: RunSummary;
  let overview: OverlegResult;
  let persons: { bsns: Set<string>; names: string[] };
  const month = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    smtp = await startSmtp();
    ctx = await createTestContext({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: smtp.port,
      REPORT_RECIPIENTS: 'oov@gemeente.example',
      OVERLEG_RECIPIENTS: 'riec@partner.example,politie@partner.example',
      REPORT_RECIPIENT_ALLOWLIST: '@gemeente.example,@partner.example',
    });
    generated = await generateMunicipality(ctx.config.INBOX_DIR, { residents: 1500, seed: 17 });
    const brp = (await readFile(generated.files.brp, 'utf8'))
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(';'));
    persons = { bsns: new Set(brp.map((r) => r[0]!)), names: [...new Set(brp.map((r) => `${r[2]} ${r[1]}`))] };
    run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status, run.error).toBe('succeeded');
    const signal = async (rule: string, subject: string) =>
      (await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = $1 AND subject_key = $2`, [rule, subject])).rows[0]!.id;
    const planted = generated.plantedByRule;
    await ctx.db.query(`SELECT signals.triage($1, 'in_onderzoek', 'huisbezoek met politie gepland', 'analist')`, [
      await signal('MELDING_EN_DATASIGNAAL', planted.MELDING_EN_DATASIGNAAL![0]!),
    ]);
    await ctx.db.query(`SELECT signals.triage($1, 'vals_positief', 'pleeggezin')`, [await signal('OVERBEWONING', planted.OVERBEWONING!.at(-1)!)]);
    const { rows } = await ctx.db.query<{ melding_id: string }>(
      `SELECT melding_id FROM model.melding WHERE kanaal = 'intern' ORDER BY datum_ontvangen LIMIT 1`,
    );
    await ctx.db.query(`SELECT signals.terugkoppeling($1, 'teruggekoppeld', 'melder gebeld')`, [rows[0]!.melding_id]);
    overview = await makeOverleg(ctx, { month, out: join(ctx.dir, 'out', `overleg-${month}`), mail: true });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  it('loads the meldpunt export of the synthetic municipality and finds what was planted in it', async () => {
    const file = run.files.find((f) => f.source === 'meldingen')!;
    expect([file.status, file.rowsRejected]).toEqual(['loaded', 0]);
    const open = new Set(
      (await ctx.db.query<{ k: string }>(`SELECT rule_code || ' ' || subject_key AS k FROM pakhuis.signals WHERE status = 'open'`)).rows.map((r) => r.k),
    );
    for (const rule of ['MELDING_EN_DATASIGNAAL', 'ADRES_ONBEKEND']) {
      for (const subject of generated.plantedByRule[rule]!) expect(open, `${rule} ${subject}`).toContain(`${rule} ${subject}`);
    }
    for (const subject of generated.nearMissByRule.MELDING_EN_DATASIGNAAL!) expect(open).not.toContain(`MELDING_EN_DATASIGNAAL ${subject}`);
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM model.melding WHERE kanaal = 'anoniem' AND melder_referentie IS NOT NULL`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    // The free texts that name people or hold a formula reach neither the CSV report nor the e-mail.
    const nightly = await readFile(run.reportPath!, 'utf8');
    for (const text of generated.sensitiveMeldingTexts) {
      expect(nightly).not.toContain(text);
      expect(smtp.received[0]!.text).not.toContain(text);
    }
  });

  it('writes a workbook with one sheet per section, Dutch headers, intact BAG ids and no person in it', async () => {
    const wb = XLSX.readFile(overview.xlsx);
    expect(wb.SheetNames).toEqual(SHEETS);
    const sheet = (name: string) => XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets[name]!, { defval: null });
    const headers = (name: string) => XLSX.utils.sheet_to_json<string[]>(wb.Sheets[name]!, { header: 1 })[0];
    expect(headers('Nieuwe signalen')).toEqual([
      'Regel',
      'Ernst',
      'Verblijfsobject',
      'Adres',
      'Postcode',
      'Woonplaats',
      'Uitleg',
      'Eerst gezien',
      'Nog open',
      'Oordeel',
    ]);
    expect(headers('Lopende signalen')).toContain('Laatst beoordeeld door');
    const signals = sheet('Nieuwe signalen');
    expect(signals.length).toBe(Number((await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pakhuis.signals`)).rows[0]!.n));
    // Every BAG id is a text cell of 16 digits with its leading zero, as the database has it.
    const ws = wb.Sheets['Nieuwe signalen']!;
    const ids = Object.entries(ws)
      .filter(([ref]) => /^C\d+$/.test(ref) && ref !== 'C1')
      .map(([, c]) => c as XLSX.CellObject);
    expect(ids.length).toBeGreaterThan(10);
    for (const c of ids) expect([c.t, String(c.v)]).toEqual(['s', expect.stringMatching(/^0632\d{12}$/)]);
    const running = sheet('Lopende signalen');
    expect(running.map((r) => [r.Regel, r['Laatst beoordeeld door']])).toEqual([['MELDING_EN_DATASIGNAAL', expect.any(String)]]);
    expect(
      sheet('Beoordeeld')
        .map((r) => r.Oordeel)
        .sort(),
    ).toEqual(['in onderzoek', 'vals positief']);
    const { rows: received } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM model.melding WHERE datum_ontvangen > $1::date AND datum_ontvangen <= $2::date`,
      [overview.period.since, overview.period.until],
    );
    expect(sheet('Nieuwe meldingen').length).toBe(received[0]!.n);
    expect(received[0]!.n).toBeGreaterThan(0);
    expect(sheet('Dossiers').map((r) => r.Soort)).toEqual(expect.arrayContaining(['Signaal', 'Melding']));
    // No BSN, name, pseudonym or free text in any cell; a formula a melder typed is text, never a formula.
    const cells = wb.SheetNames.flatMap((name) =>
      Object.entries(wb.Sheets[name]!)
        .filter(([ref]) => !ref.startsWith('!'))
        .map(([, c]) => c as XLSX.CellObject),
    );
    expect(cells.filter((c) => c.f !== undefined)).toEqual([]);
    const text = cells.map((c) => String(c.v)).join('\n');
    expectNoPerson(text);
  });

  const expectNoPerson = (text: string) => {
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    for (const token of text.match(/\b\d{8,9}\b/g) ?? []) expect(persons.bsns.has(token.padStart(9, '0'))).toBe(false);
    for (const name of persons.names) expect(text).not.toContain(name);
    for (const free of generated.sensitiveMeldingTexts) expect(text).not.toContain(free);
    expect(text).not.toContain('huisbezoek met politie gepland');
  };

  it('writes a printable page that a real browser renders with the chart at its size', async () => {
    const html = await readFile(overview.html, 'utf8');
    expectNoPerson(html);
    if (!hasChromium) return void console.warn('chromium not installed: the page was not rendered (apt-get install chromium)');
    await withBrowser(async (browser) => {
      const page = await browser.newPage();
      await page.goto(`file://${overview.html}`);
      expect(await page.title()).toMatch(/^Ondermijningsoverleg /);
      expect(await page.locator('h2').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Nieuwe signalen \(\d+\)$/), 'Ontwikkeling over de laatste 12 maanden']),
      );
      const size = await page
        .locator('img.trend')
        .evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight, complete: img.complete }));
      expect(size).toEqual({ ...chartSize(RULES.length + 1), complete: true });
      const shot = await page.screenshot({ path: join(ctx.dir, 'overleg.png'), clip: { x: 0, y: 0, width: 1280, height: 900 } });
      expect(shot.subarray(1, 4).toString()).toBe('PNG');
      if (process.env.PAKHUIS_UPDATE_DOCS) {
        await copyFile(join(ctx.dir, 'overleg.png'), new URL('../docs/overleg-overzicht.png', import.meta.url).pathname);
        const chart = smtp.received.at(-1)!.attachments.find((a) => a.contentType === 'image/png')!;
        await import('node:fs/promises').then((fs) => fs.writeFile(new URL('../docs/trendgrafiek.png', import.meta.url).pathname, chart.content));
      }
    });
  });

  it('mails the overview to the overleg list through the outbox, and refuses a recipient outside the allow-list', async () => {
    expect(overview.delivery).toMatchObject({ sent: 1, failed: 0 });
    const mail = smtp.received.at(-1)!;
    expect(mail.to && 'value' in mail.to ? mail.to.value.map((v) => v.address) : []).toEqual(['riec@partner.example', 'politie@partner.example']);
    expect(mail.subject).toMatch(/^Ondermijningsoverleg /);
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual([`overleg-${month}.html`, `overleg-${month}.xlsx`, 'trend.png']);
    expect(mail.html).toMatch(/<img class="trend" src="data:image\/png;base64,/);
    expectNoPerson(`${mail.text ?? ''}${mail.html || ''}`);
    const { rows } = await ctx.db.query(`SELECT kind, status FROM pakhuis.report_outbox WHERE kind = 'overleg'`);
    expect(rows).toEqual([{ kind: 'overleg', status: 'sent' }]);
    ctx.config.OVERLEG_RECIPIENTS = ['iemand@elders.example'];
    await expect(makeOverleg(ctx, { month, out: join(ctx.dir, 'out', 'geweigerd'), mail: true })).rejects.toThrow(ConfigError);
    ctx.config.OVERLEG_RECIPIENTS = ['riec@partner.example'];
  });

  it('limits the overview to one municipality on request, and starts the next month after this overleg', async () => {
    const other = await makeOverleg(ctx, { month, out: join(ctx.dir, 'out', 'andere-gemeente'), gemeenten: ['0999'] });
    expect(Object.values(other.counts).every((n) => n === 0)).toBe(true);
    const own = await makeOverleg(ctx, { month, out: join(ctx.dir, 'out', 'woerden'), gemeenten: ['0632'] });
    expect(own.counts['Nieuwe signalen']).toBe(overview.counts['Nieuwe signalen']! - generated.plantedByRule.ADRES_ONBEKEND!.filter(Boolean).length);
    const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 7);
    const following = await makeOverleg(ctx, { month: next, out: join(ctx.dir, 'out', 'volgende'), today: `${next}-10` });
    expect([following.period.afterPrevious, following.period.since, following.counts['Nieuwe signalen']]).toEqual([true, overview.period.until, 0]);
  });

  it.skipIf(!process.env.DATABASE_URL)('is made by pakhuis overleg, with one readable line for a month in the wrong form', async () => {
    const cli = (args: string[]) =>
      promisify(execFile)('node', [new URL('../bin/pakhuis.js', import.meta.url).pathname, 'overleg', ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', DATABASE_URL: ctx.url!, PSEUDONYMIZATION_KEY: TEST_KEY },
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const ok = await cli(['--maand', month, '--out', join(ctx.dir, 'cli', 'overleg')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Nieuwe signalen: \d+ rijen/);
    expect(XLSX.readFile(join(ctx.dir, 'cli', 'overleg.xlsx')).SheetNames).toEqual(SHEETS);
    const bad = await cli(['--maand', '2026-13', '--out', join(ctx.dir, 'cli', 'x')]);
    expect([bad.code, bad.stderr]).toEqual([1, 'pakhuis overleg: maand "2026-13" heeft niet de vorm JJJJ-MM (bijvoorbeeld 2026-11)\n']);
  });
});
