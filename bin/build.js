#!/usr/bin/env node
// @ts-check
/**
 * `npm run build`: bundles the CLI (bin/cli.ts and everything it loads, its packages included) into
 * dist/, which bin/pakhuis.js runs instead of the sources while it matches them (bin/bundle.js).
 *
 * Why: through tsx, Node loads each of our modules via the loader thread and each package file by
 * file (kysely alone is some 200); `pakhuis run` spent about 1 s starting before its first
 * statement, the bundle about 0.4 s. That second matters to a run of a few seconds (Woerden's).
 *
 * Packages stay outside the bundle where they find files of their own at run time: native
 * addons (resvg, ssh2's crypto), PGlite's WebAssembly, pino's and SheetJS's workers. dist/ sits
 * one level below the project, as the sources do, so lib/root.ts resolves the same from both.
 */
import { build } from 'esbuild';
import { rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST, ENTRY, INSTALLED, MANIFEST, digestOf } from './bundle.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EXTERNAL = ['@electric-sql/pglite', '@resvg/resvg-js', 'pg-native', 'ssh2', 'cpu-features', 'pino', 'pino-pretty', 'xlsx', 'tsx', 'esbuild'];

/**
 * Builds the bundle into `out` (default dist/), replacing what is there. A CLI starting meanwhile
 * finds the old bundle, the new one, or none (and runs the sources).
 * @param {URL} [out] a folder one level below the project (lib/root.ts)
 * @returns {Promise<{ inputs: number }>}
 */
export async function buildBundle(out = DIST) {
  const dist = fileURLToPath(out).replace(/\/$/, '');
  const next = `${dist}.next-${process.pid}`;
  const old = `${dist}.old-${process.pid}`;
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { [ENTRY.replace(/\.js$/, '')]: 'bin/cli.ts' },
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    external: EXTERNAL,
    // Bundled CommonJS packages (pg, among others) require Node's modules; an ES module has no require.
    banner: { js: "import { createRequire as __pakhuisRequire } from 'node:module'; const require = __pakhuisRequire(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !file.startsWith('node_modules/'))
    .sort();
  /** @type {import('./bundle.js').Manifest} */
  const manifest = { format: 1, inputs: {}, installed: digestOf(INSTALLED) };
  for (const file of inputs) {
    const digest = digestOf(file);
    if (digest === null) throw new Error(`build: cannot read ${file}`);
    manifest.inputs[file] = digest;
  }
  await writeFile(`${next}/${MANIFEST}`, JSON.stringify(manifest, null, 1) + '\n');
  await rename(dist, old).catch((/** @type {NodeJS.ErrnoException} */ error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(next, dist);
  await rm(old, { recursive: true, force: true });
  return { inputs: inputs.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { inputs } = await buildBundle();
  process.stdout.write(`build: dist/${ENTRY} from ${inputs} files of ours\n`);
}
