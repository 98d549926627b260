import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from './config.ts';

/**
 * The nearest folder at or above `path` that holds a `.git` (a folder in a clone, a file in a
 * worktree), or null. The path itself need not exist yet.
 */
export function gitWorkTree(path: string): string | null {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * A Dutch warning when folders that receive personal data (the raw exports in the inbox and the
 * archive, the reports, the embedded database) lie inside a git work tree, such as the checkout
 * the program runs from: there a raw BRP export is one `git add .` from a commit, and one
 * `git clean -x` from deletion. .gitignore lists the default folders, but a warning is the only
 * thing that reaches a folder set elsewhere in the tree.
 */
export function checkoutWarning(config: Config, cwd = process.cwd()): string | null {
  const folders: [string, string][] = [
    ['INBOX_DIR', config.INBOX_DIR],
    ['ARCHIVE_DIR', config.ARCHIVE_DIR],
    ['OUT_DIR', config.OUT_DIR],
    ...(config.DATABASE_URL ? [] : ([['PGLITE_DIR', config.PGLITE_DIR]] as [string, string][])),
  ];
  const inside = new Map<string, string[]>();
  for (const [name, folder] of folders) {
    const tree = gitWorkTree(resolve(cwd, folder));
    if (tree) inside.set(tree, [...(inside.get(tree) ?? []), name]);
  }
  if (inside.size === 0) return null;
  const parts = [...inside].map(([tree, names]) => `${names.join(', ')} ${names.length === 1 ? 'ligt' : 'liggen'} in de git-werkmap ${tree}`);
  return `${parts.join('; ')}. Daar staan persoonsgegevens één 'git add' van een commit af; zet deze mappen buiten de checkout (README, "Installing on a server").`;
}
