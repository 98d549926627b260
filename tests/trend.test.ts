import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync, crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeBaseline } from '../pipelines/operations/nulmeting.ts';
import { runPipeline } from '../pipelines/run.ts';
import { RULES } from '../rules/index.ts';
import { chartSize, renderTrendChart } from '../reports/trend-chart.ts';
import { trendData } from '../reports/trend-data.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, newBsn, vbo, writeFileIn, type TestPerson, type TestVbo } from './helpers/files.ts';
import { meldingenCsv, type MeldingRow } from './helpers/meldingen.ts';

const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;
const [a, b, c, d, e] = [1, 2, 3, 4, 5].map((n) => vbo(n, 60)) as [TestVbo, TestVbo, TestVbo, TestVbo, TestVbo];
// The same people every month, so only the crowding changes.
const crowd = (v: TestVbo, n: number): TestPerson[] => Array.from({ length: n }, () => ({ vbo: v, bsn: newBsn() }));
const people = { a: crowd(a, 12), b: crowd(b, 12), c: crowd(c, 12), d: crowd(d, 12) };
const melding = (id: string, datum: string, v: TestVbo): MeldingRow => ({ id, daysAgo: 0, datum, kanaal: 'intern', ref: 'VTH', vbo: v.id });

/**
 * Three synthetic months, replayed with --today, counted by hand:
 *   sep: a and b crowded (OVERBEWONING +2); a melding on a (MELDING_EN_DATASIGNAAL +1); meldingen received aug 1, sep 1
 *   oct: b empties (resolved), c crowded (+1); before the run a is judged vals positief and b afgehandeld; a melding on d,
 *        not yet flagged by the registers; a second run later in October changes nothing
 *   nov: d crowded (+1, and with its October melding MELDING_EN_DATASIGNAAL +1); c judged afgehandeld before the run
 */
describe('trend and nulmeting over three months', () => {
  let ctx: TestContext;
  let file = 0;
  const signalId = async (v: TestVbo) =>
    (await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING' AND subject_key = $1`, [v.id])).rows[0]!.id;
  const month = async (today: string, brp: TestPerson[], meldingen: MeldingRow[], viaCli = false) => {
    file++;
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', `brp-${file}.csv`), brpCsv(brp));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'meldingen', `meldpunt-${file}.csv`), meldingenCsv(meldingen));
    if (viaCli) {
      const { stdout } = await promisify(execFile)('node', [BIN, 'run', '--today', today], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...cliEnv() },
      });
      expect(stdout).toMatch(/geslaagd/);
      return;
    }
    const run = await runPipeline(ctx, { trigger: 'test', today });
    expect(run.status, run.error).toBe('succeeded');
  };
  const cliEnv = () => ({
    DATABASE_URL: ctx.url!,
    PSEUDONYMIZATION_KEY: TEST_KEY,
    INBOX_DIR: ctx.config.INBOX_DIR,
    ARCHIVE_DIR: ctx.config.ARCHIVE_DIR,
    OUT_DIR: ctx.config.OUT_DIR,
    FILE_STABLE_SECONDS: '0',
  });
  const trend = async (rules: string[]) =>
    (
      await ctx.db.query(
        `SELECT to_char(month, 'YYYY-MM') AS month, rule_code, new_signals AS new, resolved_signals AS resolved, open_signals AS open,
         judged_vals_positief AS vp, judged_afgehandeld AS afg, meldingen_received AS meldingen
       FROM signals.trend WHERE rule_code = ANY ($1) ORDER BY rule_code, month`,
        [rules],
      )
    ).rows;

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a, b, c, d, e]));
    const sep = [melding('M-AUG', '20-08-2026', e), melding('M-SEP', '10-09-2026', a)];
    await month('2026-09-15', [...people.a, ...people.b], sep);
    await ctx.db.query(`SELECT signals.triage($1, 'vals_positief', 'gezin met pleegkinderen')`, [await signalId(a)]);
    await ctx.db.query(`SELECT signals.triage($1, 'afgehandeld', 'huisbezoek gedaan')`, [await signalId(b)]);
    const oct = [...sep, melding('M-OCT', '01-10-2026', d)];
    await month('2026-10-15', [...people.a, ...people.b.slice(0, 1), ...people.c], oct);
    await month('2026-10-20', [...people.a, ...people.b.slice(0, 1), ...people.c].reverse(), oct);
    await ctx.db.query(`SELECT signals.triage($1, 'afgehandeld', 'opgelost met eigenaar')`, [await signalId(c)]);
    await month(
      '2026-11-15',
      [...people.a, ...people.b.slice(0, 1), ...people.c, ...people.d],
      [...oct, melding('M-NOV', '02-11-2026', e)],
      Boolean(process.env.DATABASE_URL),
    );
  });
  afterAll(async () => ctx?.close());

  it('counts per rule and month what the hand count says', async () => {
    expect(await trend(['OVERBEWONING', 'MELDING_EN_DATASIGNAAL', 'MELDPUNT'])).toEqual([
      { month: '2026-09', rule_code: 'MELDING_EN_DATASIGNAAL', new: 1, resolved: 0, open: 1, vp: 0, afg: 0, meldingen: null },
      { month: '2026-10', rule_code: 'MELDING_EN_DATASIGNAAL', new: 0, resolved: 0, open: 1, vp: 0, afg: 0, meldingen: null },
      { month: '2026-11', rule_code: 'MELDING_EN_DATASIGNAAL', new: 1, resolved: 0, open: 2, vp: 0, afg: 0, meldingen: null },
      { month: '2026-08', rule_code: 'MELDPUNT', new: null, resolved: null, open: null, vp: null, afg: null, meldingen: 1 },
      { month: '2026-09', rule_code: 'MELDPUNT', new: null, resolved: null, open: null, vp: null, afg: null, meldingen: 1 },
      { month: '2026-10', rule_code: 'MELDPUNT', new: null, resolved: null, open: null, vp: null, afg: null, meldingen: 1 },
      { month: '2026-11', rule_code: 'MELDPUNT', new: null, resolved: null, open: null, vp: null, afg: null, meldingen: 1 },
      { month: '2026-09', rule_code: 'OVERBEWONING', new: 2, resolved: 0, open: 2, vp: 0, afg: 0, meldingen: null },
      { month: '2026-10', rule_code: 'OVERBEWONING', new: 1, resolved: 1, open: 2, vp: 1, afg: 1, meldingen: null },
      { month: '2026-11', rule_code: 'OVERBEWONING', new: 1, resolved: 0, open: 3, vp: 0, afg: 1, meldingen: null },
    ]);
    // Every rule of the register has its month, with zeros where it found nothing.
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(DISTINCT rule_code)::int AS n FROM signals.trend WHERE month = '2026-11-01' AND rule_code <> 'MELDPUNT'`,
    );
    expect(rows[0]!.n).toBe(RULES.length);
  });

  it('freezes the nulmeting once, replaces it only on request, and gives the change against it', async () => {
    const nulmeting = async (args: string[]) => {
      if (!process.env.DATABASE_URL) {
        return freezeBaseline(ctx.db, { date: args[1]!, replace: args.includes('--vervang'), statedBy: 'test' }).then(
          (b) => ({ code: 0, stdout: `nulmeting vastgelegd op ${b.date}`, stderr: '' }),
          (error: Error) => ({ code: 1, stdout: '', stderr: `pakhuis nulmeting: ${error.message}\n` }),
        );
      }
      return promisify(execFile)('node', [BIN, 'nulmeting', ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...cliEnv() },
      }).then(
        (r) => ({ code: 0, ...r }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    };
    const first = await nulmeting(['--datum', '2026-09-30']);
    expect([first.code, first.stdout, first.stderr]).toEqual([0, expect.stringContaining('nulmeting vastgelegd op 2026-09-30'), '']);
    const again = await nulmeting(['--datum', '2026-10-31']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^pakhuis nulmeting: er is al een nulmeting \(datum 2026-09-30, .*gebruik --vervang/);
    const { rows: sep } = await ctx.db.query(`SELECT change_open, change_new FROM signals.trend WHERE rule_code = 'OVERBEWONING' AND month = '2026-11-01'`);
    expect(sep).toEqual([{ change_open: 1, change_new: -1 }]);
    const replaced = await nulmeting(['--datum', '2026-10-31', '--vervang']);
    expect(replaced.code).toBe(0);
    const { rows } = await ctx.db.query(
      `SELECT to_char(baseline_month, 'YYYY-MM') AS baseline, change_open, change_new, change_resolved, change_vals_positief, change_afgehandeld
       FROM signals.trend WHERE rule_code = 'OVERBEWONING' AND month = '2026-11-01'`,
    );
    expect(rows).toEqual([{ baseline: '2026-10', change_open: 1, change_new: 0, change_resolved: -1, change_vals_positief: -1, change_afgehandeld: 0 }]);
    const { rows: meldpunt } = await ctx.db.query(`SELECT change_meldingen FROM signals.trend WHERE rule_code = 'MELDPUNT' AND month = '2026-11-01'`);
    expect(meldpunt).toEqual([{ change_meldingen: 0 }]);
    // Both nulmetingen are kept; nobody can edit one afterwards.
    expect((await ctx.db.query(`SELECT baseline_date::text FROM pakhuis.baseline_sets ORDER BY id`)).rows).toEqual([
      { baseline_date: '2026-09-30' },
      { baseline_date: '2026-10-31' },
    ]);
    await expect(ctx.db.query(`UPDATE pakhuis.baseline_counts SET open_signals = 0`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.query(`DELETE FROM pakhuis.trend_rule_counts`)).rejects.toThrow(/append-only/);
    // Nor set a new yardstick past the command: one that replaces nothing, or in another's name.
    await expect(ctx.db.query(`INSERT INTO pakhuis.baseline_sets (baseline_date, month) VALUES ('2026-11-15', '2026-11-01')`)).rejects.toThrow(
      /één keer vastgelegd/,
    );
    const { rows: forged } = await ctx.db.query<{ by_user: string; recent: boolean }>(
      `INSERT INTO pakhuis.baseline_sets (baseline_date, month, replaces, by_user, frozen_at)
       SELECT '2026-11-15', '2026-11-01', max(id), 'iemand anders', '2020-01-01' FROM pakhuis.baseline_sets
       RETURNING by_user, frozen_at > now() - interval '1 hour' AS recent`,
    );
    expect(forged).toEqual([{ by_user: expect.not.stringMatching(/^iemand anders$/), recent: true }]);
    expect((await nulmeting(['--datum', '2026-07-31', '--vervang'])).stderr).toMatch(/geen run in 2026-07 op of voor 2026-07-31/);
  });

  it('draws the last 12 months per rule as a valid PNG of the expected size', async () => {
    const data = await trendData(ctx.db, { until: '2026-11-15', rules: RULES.map((r) => r.code) });
    expect(data.months[0]).toBe('2025-12');
    expect(data.series.find((s) => s.code === 'OVERBEWONING')!.values.slice(-3)).toEqual([2, 2, 3]);
    const { png, width, height } = await renderTrendChart(data, 'test');
    expect({ width, height }).toEqual(chartSize(RULES.length + 1));
    // Every chunk's CRC, the header's size, and pixel data that inflates to exactly height rows of RGBA.
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const idat: Buffer[] = [];
    let header: { width: number; height: number; depth: number; colour: number } | undefined;
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const body = png.subarray(at + 8, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      if (type === 'IHDR') header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8]!, colour: body[9]! };
      if (type === 'IDAT') idat.push(body);
      at += 12 + length;
    }
    expect(header).toMatchObject({ width, height, depth: 8 });
    const channels = ({ 2: 3, 6: 4 } as Record<number, number>)[header!.colour]!;
    expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * channels));
  });
});
