import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { Progress } from '../lib/progress.ts';

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
