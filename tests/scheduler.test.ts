import { spawn } from 'node:child_process';
import { join } from 'node:path';
import cron from 'node-cron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../lib/db.ts';
import { RunLockedError } from '../lib/errors.ts';
import { RUN_LOCK, runPipeline } from '../pipelines/run.ts';
import { previousSlot, startScheduler } from '../pipelines/operations/scheduler.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { bagCsv, vbo, writeFileIn } from './helpers/files.ts';

const amsterdam = (expression: string) => cron.createTask(expression, () => {}, { timezone: 'Europe/Amsterdam' });

describe('schedule slots across daylight saving time', () => {
  it('the default 03:30 exists on the spring-forward night', () => {
    const slot = previousSlot(amsterdam('30 3 * * *'), new Date('2026-03-29T10:00:00Z'));
    expect(slot?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
  it('02:00 does not exist that night, which is why it is not the default', () => {
    const slot = previousSlot(amsterdam('0 2 * * *'), new Date('2026-03-29T10:00:00Z'));
    expect(slot?.toISOString()).toBe('2026-03-28T01:00:00.000Z');
  });
  it('the default 03:30 happens once on the fall-back night', () => {
    const task = amsterdam('30 3 * * *');
    const slot = previousSlot(task, new Date('2026-10-25T12:00:00Z'));
    expect(slot?.toISOString()).toBe('2026-10-25T02:30:00.000Z');
    expect(previousSlot(task, new Date('2026-10-25T02:29:00Z'))?.toISOString()).toBe('2026-10-24T01:30:00.000Z');
  });
});

describe('scheduler', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ SCHEDULE_CRON: '0 0 1 1 *' });
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([vbo(1, 100)]));
  });
  afterAll(async () => ctx?.close());

  const runs = async () => (await ctx.db.query<{ trigger: string; status: string }>('SELECT trigger, status FROM pakhuis.runs ORDER BY id')).rows;

  it('catches up a missed slot once at start-up, and not again', async () => {
    // Daily at the UTC minute one hour ago: that slot has passed without a run.
    const hourAgo = new Date(Date.now() - 3_600_000);
    const daily = { ...ctx, config: { ...ctx.config, SCHEDULE_CRON: `${hourAgo.getUTCMinutes()} ${hourAgo.getUTCHours()} * * *`, SCHEDULE_TZ: 'UTC' } };
    const first = await startScheduler(daily);
    await first.idle();
    await first.stop();
    expect(await runs()).toEqual([{ trigger: 'catch-up', status: 'succeeded' }]);
    const second = await startScheduler(daily);
    await second.idle();
    await second.stop();
    expect(await runs()).toHaveLength(1);
  });

  it('never overlaps runs within the process', async () => {
    const scheduler = await startScheduler({ ...ctx, config: { ...ctx.config, SCHEDULE_CATCH_UP: false } });
    await Promise.all([scheduler.trigger('schedule'), scheduler.trigger('schedule'), scheduler.trigger('schedule')]);
    await scheduler.stop();
    expect((await runs()).filter((r) => r.trigger === 'schedule')).toHaveLength(1);
  });

  it('fires on its cron expression', async () => {
    const every = await startScheduler({ ...ctx, config: { ...ctx.config, SCHEDULE_CRON: '* * * * * *', SCHEDULE_CATCH_UP: false } });
    const before = (await runs()).length;
    for (let i = 0; i < 100 && (await runs()).length === before; i++) await new Promise((r) => setTimeout(r, 100));
    await every.stop();
    expect((await runs()).length).toBeGreaterThan(before);
    expect((await runs()).every((r) => r.status === 'succeeded')).toBe(true);
  });

  // Two processes can only share a database server: PGlite belongs to one process.
  it.skipIf(!process.env.DATABASE_URL)('lets exactly one process run when another holds the run lock', async () => {
    const other = await openDatabase({ url: ctx.url });
    try {
      const before = (await runs()).length;
      await other.withSession(async (session) => {
        await session.query('SELECT pg_advisory_lock($1)', [RUN_LOCK]);
        await expect(runPipeline(ctx, { trigger: 'test' })).rejects.toBeInstanceOf(RunLockedError);
        await session.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK]);
      });
      expect((await runs()).length).toBe(before);
      const again = await runPipeline(ctx, { trigger: 'test' });
      expect(again.status).toBe('succeeded');
    } finally {
      await other.close();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('stops on SIGTERM after the run in progress, leaving nothing half done', async () => {
    const child = spawn('node', [new URL('../bin/pakhuis.js', import.meta.url).pathname, 'schedule'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: ctx.url,
        PSEUDONYMIZATION_KEY: TEST_KEY,
        SCHEDULE_CRON: '* * * * * *',
        SCHEDULE_CATCH_UP: 'false',
        INBOX_DIR: ctx.config.INBOX_DIR,
        ARCHIVE_DIR: ctx.config.ARCHIVE_DIR,
        OUT_DIR: ctx.config.OUT_DIR,
        FILE_STABLE_SECONDS: '0',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const before = (await runs()).length;
    for (let i = 0; i < 200 && (await runs()).length === before; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const after = await runs();
    expect(after.length).toBeGreaterThan(before);
    expect(after.filter((r) => r.status === 'running')).toEqual([]);
  });
});
