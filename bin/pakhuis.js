#!/usr/bin/env node
// The CLI is TypeScript. Built (`npm run build`), it runs from the bundle in dist/, which starts in
// well under half the time; a clone that was never built, or whose sources changed since, runs
// the sources through tsx's loader, so no build step is ever required (bin/bundle.js).
import { freshBundle } from './bundle.js';

const bundle = freshBundle();
/** @type {(argv: string[]) => Promise<number>} */
let main;
if (bundle) {
  ({ main } = await import(bundle.href));
} else {
  const [{ register }, { PRELOADED }] = await Promise.all([import('tsx/esm/api'), import('./preload.js')]);
  await Promise.all(PRELOADED.map((name) => import(name)));
  register();
  ({ main } = await import('./cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
