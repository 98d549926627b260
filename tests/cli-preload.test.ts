import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRELOADED } from '../bin/preload.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages the static (value) imports of `file` and its own modules reach, found by walking the import lines. */
function staticPackages(file: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) visit(join(dirname(path), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(file);
  return [...packages].sort();
}

describe('bin/preload.js', () => {
  it('preloads exactly the packages every command loads through cli.ts', () => {
    expect([...PRELOADED].sort()).toEqual(staticPackages(join(ROOT, 'bin/cli.ts')));
  });
});
