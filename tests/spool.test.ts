import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, vbo, writeFileIn } from './helpers/files.ts';

describe('spool folders', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it("keeps a load's working files in SPOOL_DIR and removes them when the load ends", async () => {
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([vbo(1, 80), vbo(2, -1)]));
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.files.map((f) => [f.status, f.rowsRejected])).toEqual([['loaded', 1]]);
    expect(await readdir(ctx.config.SPOOL_DIR)).toEqual([]);
  });

  it('removes a spool folder a killed load left behind when the next run starts, and nothing else', async () => {
    const stale = join(ctx.config.SPOOL_DIR, 'pakhuis-spool-AbC123');
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, 'rejected.copy'), 'left behind\n');
    await mkdir(join(ctx.config.SPOOL_DIR, 'iets-anders'));
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    expect(await readdir(ctx.config.SPOOL_DIR)).toEqual(['iets-anders']);
  });

  it('removes the half-written report a run killed while writing it left in OUT_DIR, and nothing else', async () => {
    await mkdir(ctx.config.OUT_DIR, { recursive: true });
    for (const name of [
      'anomalierapport-2026-11-30-run7.csv.part',
      'anomalierapport-2026-11-30-run7.xlsx.part',
      'eigen-lijst.csv.part',
      'anomalierapport-2026-11-29-run6.csv',
    ]) {
      await writeFile(join(ctx.config.OUT_DIR, name), 'Adres;Regel\n');
    }
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    const left = await readdir(ctx.config.OUT_DIR);
    expect(left.filter((name) => name.endsWith('.part')).sort()).toEqual(['eigen-lijst.csv.part']);
    expect(left).toContain('anomalierapport-2026-11-29-run6.csv');
  });
});
