import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { statusTable } from '../pipelines/operations/status.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

describe('pakhuis status', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('says so before the first run', async () => {
    expect(await statusTable(ctx.db)).toBe('Nog geen runs.');
  });

  it('prints the last runs as a table, newest first, with counts and the failing step', async () => {
    const a = vbo(1, 100);
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a]));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(persons(12, a)) + '123;x;9101AB;1;W;01-01-2020;;\n');
    await runPipeline(ctx, { trigger: 'cli' });
    process.env.PAKHUIS_FAILPOINT = 'publish';
    process.env.PAKHUIS_FAILPOINT_MODE = 'throw';
    try {
      await runPipeline(ctx, { trigger: 'schedule' });
    } finally {
      delete process.env.PAKHUIS_FAILPOINT;
      delete process.env.PAKHUIS_FAILPOINT_MODE;
    }
    const lines = (await statusTable(ctx.db)).split('\n');
    expect(lines[0]).toMatch(
      /^run\s+trigger\s+gestart \(Europe\/Amsterdam\)\s+duur\s+status\s+bestanden\s+geladen\s+afgekeurd\s+open signalen\s+e-mail\s+opmerking$/,
    );
    expect(lines[2]).toMatch(/^2\s+schedule\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+[\d.]+ s\s+failed\s+0\s+0\s+0\s+-\s+-\s+stap publish: .*failpoint publish/);
    // No SMTP_HOST in this test: the report was written, not mailed, and the column says so.
    expect(lines[3]).toMatch(/^1\s+cli\s+.*succeeded\s+2\s+13\s+1\s+\d+\s+geen \(SMTP niet ingesteld\)\s+\d+ waarschuwing(en)?, zie onder$/);
    // The text of each warning, not just their number.
    const { rows } = await ctx.db.query<{ warnings: string[] }>('SELECT warnings FROM pakhuis.runs WHERE id = 1');
    expect(rows[0]!.warnings.length).toBeGreaterThan(0);
    expect(lines.slice(lines.indexOf('Waarschuwingen:') + 1).filter((l) => l.startsWith('  run 1: '))).toEqual(rows[0]!.warnings.map((w) => `  run 1: ${w}`));
  });

  it('writes control characters out, so a hostile file name cannot rewrite the terminal', async () => {
    await ctx.db.query(`UPDATE pakhuis.runs SET warnings = $1 WHERE id = 1`, [JSON.stringify(['brp/\u001b[2Jx.csv wordt nog geschreven'])]);
    const table = await statusTable(ctx.db);
    expect(table).not.toContain('\u001b');
    expect(table).toContain('  run 1: brp/\\u001b[2Jx.csv wordt nog geschreven');
  });

  it('shows times in Europe/Amsterdam, summer and winter time alike', async () => {
    await ctx.db.query(`UPDATE pakhuis.runs SET started_at = '2026-03-29T01:30:00Z', finished_at = '2026-03-29T01:31:00Z' WHERE id = 1`);
    await ctx.db.query(`UPDATE pakhuis.runs SET started_at = '2026-01-15T02:30:00Z', finished_at = '2026-01-15T02:30:30Z' WHERE id = 2`);
    const lines = (await statusTable(ctx.db)).split('\n');
    // 01:30 UTC on the night the clocks go forward is 03:30 CEST; 02:30 UTC in January is 03:30 CET.
    expect(lines[2]).toMatch(/^2\s+schedule\s+2026-01-15 03:30:00\s+30\.0 s/);
    expect(lines[3]).toMatch(/^1\s+cli\s+2026-03-29 03:30:00\s+60\.0 s/);
  });
});
