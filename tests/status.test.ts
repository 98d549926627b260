import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { statusTable } from '../pipelines/status.ts';
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
    expect(lines[0]).toMatch(/^run\s+trigger\s+gestart \(UTC\)\s+duur\s+status\s+bestanden\s+geladen\s+afgekeurd\s+open signalen\s+opmerking$/);
    expect(lines[2]).toMatch(/^2\s+schedule\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+[\d.]+ s\s+failed\s+0\s+0\s+0\s+-\s+stap publish: .*failpoint publish/);
    expect(lines[3]).toMatch(/^1\s+cli\s+.*succeeded\s+2\s+13\s+1\s+\d+\s+\d+ waarschuwing(en)?$/);
  });
});
