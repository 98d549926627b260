// @ts-check
/**
 * The bundled CLI (`npm run build`, bin/build.js) and whether it may run. bin/pakhuis.js asks this
 * before anything else is loaded, so it is plain JavaScript and loads only Node's own modules.
 *
 * A bundle is used only while it is what the build would make now: every file of ours it was built
 * from has the content it had (a SHA-256 per file, so an edit, a checkout or a pull is seen whatever
 * it does to modification times) and the installed packages are the ones it bundled (npm's record of
 * the installed tree, node_modules/.package-lock.json). Otherwise the CLI runs from the sources
 * through tsx, as on a clone that was never built: a stale bundle is never run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Where the build writes: one level below the project, as lib/root.ts requires. */
export const DIST = new URL('../dist/', import.meta.url);
export const MANIFEST = 'manifest.json';
export const ENTRY = 'cli.js';
const ROOT = new URL('../', import.meta.url);
/** npm's record of what `npm ci`/`npm install` put in node_modules; it changes with every change there. */
export const INSTALLED = 'node_modules/.package-lock.json';

/** @typedef {{ format: 1, inputs: Record<string, string>, installed: string | null }} Manifest */

/** @param {string} relative a path under the project, with / */
export function digestOf(relative) {
  try {
    return createHash('sha256')
      .update(readFileSync(new URL(relative, ROOT)))
      .digest('hex');
  } catch {
    return null;
  }
}

/**
 * The bundle's entry if it matches the sources and packages here, else undefined (no bundle, or a
 * stale or unreadable one).
 * @param {URL} [dist]
 * @returns {URL | undefined}
 */
export function freshBundle(dist = DIST) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL(MANIFEST, dist), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest?.format !== 1 || typeof manifest.inputs !== 'object' || manifest.inputs === null) return undefined;
  // Without npm's record the installed packages cannot be compared: the sources then run.
  const installed = digestOf(INSTALLED);
  if (installed === null || installed !== manifest.installed) return undefined;
  const inputs = Object.entries(manifest.inputs);
  if (inputs.length === 0) return undefined;
  for (const [file, digest] of inputs) if (digestOf(file) !== digest) return undefined;
  return new URL(ENTRY, dist);
}
