// The packages every command loads (the static imports of cli.ts and what they import), loaded by
// Node itself before tsx's hooks are in place (bin/pakhuis.js). Through the hooks, each of their
// files costs two round trips to the loader thread: kysely alone is some 200 files. Loaded first,
// the .ts files that import them find them in the module cache. Measured on importing
// pipelines/run.ts, two cores: 2.1 s of CPU without this, 1.55 s with it.
// tests/cli-preload.test.ts keeps this list equal to what cli.ts loads statically, so nothing is
// loaded here that a command would not load anyway.
export const PRELOADED = [
  'iconv-lite',
  'kysely',
  'nodemailer/lib/addressparser/index.js',
  'pg',
  'pg-copy-streams',
  'pino',
  'pino-pretty',
  'saxes',
  'stream-json',
  'stream-json/filters/Pick.js',
  'stream-json/streamers/StreamArray.js',
  'yauzl',
  'zod',
];
