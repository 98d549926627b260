import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { Progress, StepProgress } from '../lib/progress.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn } from './helpers/files.ts';

async function csvOf(rows: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pakhuis-progress-'));
  const path = join(dir, 'big.csv');
  await writeFile(path, 'a;b\n' + '123456789;abcdefghij\n'.repeat(rows));
  return path;
}

describe('ingest progress', () => {
  it('draws a bar with rows, rate and ETA on a terminal', async () => {
    const path = await csvOf(50_000);
    let screen = '';
    const tty = new Writable({ write: (c, _e, done) => ((screen += String(c)), done()) }) as unknown as NodeJS.WriteStream;
    const progress = (await Progress.forFile(path, 'brp/big.csv', createLogger({ level: 'silent', format: 'json' }), { minBytes: 0, everyMs: 0, tty }))!;
    for (let i = 0; i < 50_000; i++) progress.tick();
    progress.done();
    expect(screen).toMatch(/\rbrp\/big\.csv \[#+\.*\]\s+\d+% [\d.]+ rijen, [\d.]+\/s, nog ~\d+ s/);
    expect(screen.trimEnd().split('\r').at(-1)).toMatch(/\[#{30}\] 100% 50\.000 rijen/);
  });

  it('writes a log line instead when there is no terminal', async () => {
    const path = await csvOf(20_000);
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', destination: new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }) });
    const progress = (await Progress.forFile(path, 'brp/big.csv', log, { minBytes: 0, everyMs: 0, tty: null }))!;
    for (let i = 0; i < 20_000; i++) progress.tick();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed[0]).toMatchObject({ msg: 'ingest progress', file: 'brp/big.csv', rows: 4096, percent: expect.any(Number) });
  });

  it('stays quiet for small files', async () => {
    expect(await Progress.forFile(await csvOf(10), 'x', createLogger({ level: 'silent', format: 'json' }))).toBeNull();
  });
});

const fakeTty = () => {
  const screen = { text: '' };
  const tty = new Writable({ write: (c, _e, done) => ((screen.text += String(c)), done()) }) as unknown as NodeJS.WriteStream;
  return { tty, screen };
};

describe('publish progress', () => {
  it('draws steps done and the step running on a terminal, and ends the line', () => {
    const { tty, screen } = fakeTty();
    const progress = StepProgress.start('publiceren', 4, createLogger({ level: 'silent', format: 'json' }), { tty });
    progress.step('model 10_bag.sql');
    progress.step('regel OVERBEWONING');
    progress.end(true);
    const frames = screen.text.split('\r\x1b[K').filter(Boolean);
    expect(frames).toEqual([
      expect.stringMatching(/^publiceren \[\.{30}\] 0\/4 model 10_bag\.sql, \d+ s$/),
      expect.stringMatching(/^publiceren \[#{8}\.{22}\] 1\/4 regel OVERBEWONING, \d+ s$/),
      expect.stringMatching(/^publiceren \[#{30}\] 4\/4 klaar in \d+ s\n$/),
    ]);
  });

  describe('in a nightly run', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext();
    });
    afterAll(async () => ctx?.close());

    it('shows each step of publishing: on a terminal as a bar, without one as log lines', async () => {
      const a = vbo(1, 100);
      await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([a]));
      await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(persons(12, a)));
      const { tty, screen } = fakeTty();
      ctx.progress = { tty };
      expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
      const frames = screen.text
        .split('\r\x1b[K')
        .filter(Boolean)
        .map((f) => f.replace(/^publiceren \[[#.]+\] /, '').replace(/, \d+ s$/, ''));
      const total = frames.length;
      expect(frames.slice(0, 5)).toEqual([
        `0/${total - 1} model 10_bag.sql`,
        `1/${total - 1} model 20_brp.sql`,
        `2/${total - 1} model 22_brp_history.sql`,
        `3/${total - 1} model 25_identity.sql`,
        `4/${total - 1} adreskoppeling`,
      ]);
      expect(frames).toContain(`5/${total - 1} regel OVERBEWONING`);
      expect(frames.slice(-4)).toEqual([
        `${total - 4}/${total - 1} signalen samenvoegen`,
        `${total - 3}/${total - 1} rapport`,
        `${total - 2}/${total - 1} vastleggen (commit)`,
        expect.stringMatching(new RegExp(`^${total - 1}/${total - 1} klaar in \\d+ s\\n$`)),
      ]);

      // Without a terminal: a log line per step once the last line is old enough (here: always).
      ctx.progress = { tty: null, everyMs: 0 };
      ctx.logOutput.length = 0;
      await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp-2.csv'), brpCsv(persons(13, a)));
      expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
      const steps = ctx.logOutput
        .map((l) => JSON.parse(l) as { msg: string; step?: string })
        .filter((l) => l.msg === 'publish progress')
        .map((l) => l.step);
      expect(steps[0]).toBe('model 20_brp.sql');
      expect(steps).toContain('regel GEEN_WOONFUNCTIE');
      expect(steps.at(-1)).toBe('vastleggen (commit)');
    });
  });
});
