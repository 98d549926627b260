import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { README, render } from '../bin/docs.ts';
import { inProcess } from './helpers/cli.ts';

describe('README', () => {
  it('starts with the two commands a newcomer needs', async () => {
    const text = await readFile(README, 'utf8');
    const firstBlock = text.split('```')[1]!;
    expect(firstBlock).toContain('npm install && npm run demo');
    expect(firstBlock).toContain('npm install && npm test');
  });

  it('documents exactly the columns and rules the code accepts and runs (regenerate with bin/docs.ts)', async () => {
    const text = await readFile(README, 'utf8');
    expect(render(text)).toBe(text);
  });

  it('lists every command of `pakhuis --help` in the command table, and no other', async () => {
    const text = await readFile(README, 'utf8');
    const table = text.slice(text.indexOf('## Running it'), text.indexOf('Every command explains itself'));
    const documented = [...new Set([...table.matchAll(/^\| `npx pakhuis (\w+)/gm)].map((m) => m[1]))];
    const { code, out } = await inProcess(['--help']);
    expect(code).toBe(0);
    const commands = [...out.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(commands.sort());
  });
});
