import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { README, render } from '../bin/docs.ts';

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
});
