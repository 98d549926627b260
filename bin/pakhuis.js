#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so a clone works without a build step.
import { register } from 'tsx/esm/api';
import { PRELOADED } from './preload.js';

await Promise.all(PRELOADED.map((name) => import(name)));
register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
