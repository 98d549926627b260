/**
 * npm run bench:floor -- [--scale N] [--out DIR] [--data DIR] [--ingest]
 *
 * Without --ingest: the floor under the publish step, in the same run as the full pipeline over the
 * same staged rows: that is `npm run bench` (bench/run.ts), which times the least SQL that builds
 * each model table (bench/publish-floor.ts) right after the run and writes both to its JSON.
 *
 * With --ingest: the floor under `pakhuis ingest`: what each part of loading the BRP file costs when nothing else
 * is done, measured in one run against a raw COPY of the same file (PostgreSQL only). Issue 3 asks
 * for an ingest of at most 1.5 x raw COPY; these figures say which designs can reach that here:
 *
 * - server only: the rows exactly as the ingest stages them (validated, pseudonymised), already
 *   rendered, copied from a file into a copy of staging.brp: text and binary COPY, WAL-logged
 *   and UNLOGGED. No client design can load the staged rows faster than this.
 * - the SQL route the issue suggests: raw COPY into text, then one INSERT … SELECT that only casts
 *   into the staging table (no checks, and no hashing: the BSN padded to a pseudonym's length).
 * - client only: reading the file, splitting it into lines and pseudonymising each BSN, with no
 *   validation and nothing sent (as text, and on bytes without making a string): the least per-row
 *   work the law leaves to Node; and the SHA-256 of the whole file that keys the load manifest.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { loadConfig } from '../lib/config.ts';
import { openDatabase } from '../lib/db.ts';
import { hashPath } from '../lib/file-hash.ts';
import { ShortHmacSha256 } from '../lib/hmac-sha256.ts';
import { createLogger } from '../lib/logger.ts';
import { migrate } from '../lib/migrate.ts';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { ingestFile } from '../pipelines/ingest/ingest.ts';
import { SOURCE_DEFINITIONS } from '../sources/index.ts';
import { dropDatabase, firstLine, freshDatabase, municipality, rawCopy } from './shared.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1000000' },
    out: { type: 'string', default: 'bench/results' },
    data: { type: 'string', default: 'bench/data' },
    ingest: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
if (!Number.isInteger(scale) || scale < 1000) throw new Error('--scale must be a whole number of at least 1000');
const KEY = 'bench-key-0123456789abcdef0123456789abcdef';

interface Measure {
  what: string;
  /** Each run: the part's seconds, and those of a raw COPY of the same file just before it. */
  runs: { seconds: number; rawCopy: number }[];
  /** Medians over the runs; the ratio is the median of each run's own ratio. */
  seconds: number;
  vsRawCopy: number;
}

/**
 * Each part is timed this many times, each time right after a raw COPY of its own: single runs
 * here vary by a third, and a ratio to a raw COPY taken minutes earlier varies by more.
 */
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('bench:floor measures PostgreSQL itself: set DATABASE_URL');
  const town = await municipality(String(values.data), scale);
  const brpDir = join(town.dir, 'brp');
  const file = join(
    brpDir,
    (await readdir(brpDir)).find((name) => name.endsWith('.csv'))!,
  );
  const database = `pakhuis_floor_${scale}`;
  const url = await freshDatabase(adminUrl, database);
  const work = await mkdtemp(join(tmpdir(), 'pakhuis-floor-'));
  const config = loadConfig({
    env: {},
    overrides: {
      DATABASE_URL: url,
      INBOX_DIR: join(work, 'inbox'),
      ARCHIVE_DIR: join(work, 'archive'),
      OUT_DIR: join(work, 'out'),
      PSEUDONYMIZATION_KEY: KEY,
      LOG_LEVEL: 'warn',
    },
  });
  const db = await openDatabase({ url });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const measures: Measure[] = [];
  let rows = 0;
  const time = async (what: string, fn: () => Promise<unknown>, options: { runs?: number; before?: () => Promise<unknown> } = {}) => {
    const runs: Measure['runs'] = [];
    for (let i = 0; i < (options.runs ?? RUNS); i++) {
      const raw = await db.withSession((s) => rawCopy(s, file, 'floor_raw'));
      rows = raw.rows;
      await options.before?.();
      const started = process.hrtime.bigint();
      await fn();
      runs.push({ seconds: Number(process.hrtime.bigint() - started) / 1e9, rawCopy: raw.seconds });
    }
    measures.push({ what, runs, seconds: median(runs.map((r) => r.seconds)), vsRawCopy: median(runs.map((r) => r.seconds / r.rawCopy)) });
  };
  try {
    await migrate(db);
    const pseudonymizer = new Pseudonymizer(KEY, 1);
    const ctx = { db, config, log: createLogger({ level: 'warn', format: 'json' }), pseudonymizer };
    let loadId = 0;
    await time(
      'pakhuis ingest (parse, validate, pseudonymise, COPY into staging.brp)',
      async () => {
        const result = await ingestFile(ctx, SOURCE_DEFINITIONS.brp, file);
        if (result.status !== 'loaded') throw new Error(`ingest ${result.status}: ${result.error}`);
        loadId = result.loadId!;
      },
      { runs: 1 },
    );

    // The staged rows as the ingest made them, rendered once, then copied in by the server alone.
    for (const format of ['text', 'binary'] as const) {
      const path = join(work, `staged.${format}`);
      await pipeline(
        client.query(copyTo(`COPY (SELECT * FROM staging.brp WHERE load_id = ${loadId}) TO STDOUT WITH (FORMAT ${format})`)),
        createWriteStream(path),
      );
      for (const logged of [true, false]) {
        const table = `floor_staged_${format}_${logged ? 'logged' : 'unlogged'}`;
        await time(
          `server only: staged rows, ${format} COPY, ${logged ? 'WAL-logged' : 'UNLOGGED'}`,
          () => pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT ${format})`))),
          { before: () => client.query(`DROP TABLE IF EXISTS ${table}; CREATE ${logged ? '' : 'UNLOGGED '}TABLE ${table} (LIKE staging.brp INCLUDING ALL)`) },
        );
        await client.query(`DROP TABLE ${table}`);
      }
    }

    // The SQL route: the raw text table is already there; one cast-only pass makes staging rows.
    await db.withSession((s) => rawCopy(s, file, 'floor_raw_kept', { keep: true }));
    const header = (await firstLine(file)).split(';');
    const c = (name: string) => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`column ${name} not in ${file}`);
      return `nullif(c${i}, '')`;
    };
    // A lower bound, kind to the route: plain casts (DMY reads dd-mm-jjjj), no checks at all, and
    // the BSN padded to the pseudonym's 64 characters instead of hashed.
    await client.query("SET datestyle = 'ISO, DMY'");
    await time(
      'SQL route, second pass only: INSERT … SELECT with casts, no checks, no hashing',
      () =>
        client.query(`INSERT INTO floor_typed
        SELECT 1, 0, coalesce(${c('historie_index')}::int, 0), rpad(${c('bsn')}, 64, ${c('bsn')}), 1, ${c('geslachtsnaam')}, ${c('voornamen')},
               ${c('geboortedatum')}::date::text, coalesce(${c('functie_adres')}, 'W'), ${c('datum_aanvang_adreshouding')}::date,
               ${c('datum_aanvang_adreshouding')}::date::text, replace(${c('postcode')}, ' ', ''), ${c('huisnummer')}::int, ${c('huisletter')},
               ${c('huisnummertoevoeging')}, ${c('verblijfsobject_id')}, ${c('nummeraanduiding_id')}, NULL
        FROM floor_raw_kept`),
      { runs: 1, before: () => client.query('CREATE TABLE floor_typed (LIKE staging.brp INCLUDING ALL)') },
    );

    await time('client only: read, split lines, pseudonymise each BSN as text (nothing sent)', () =>
      splitAndHash(file, (bytes, start, end) => pseudonymizer.pseudonymise(bytes.toString('latin1', start, end)).length),
    );
    const hmac = new ShortHmacSha256(Buffer.from(KEY));
    await time('client only: the same on bytes, no string made (nothing sent)', () =>
      splitAndHash(file, (bytes, start, end) => hmac.words(bytes, start, end - start)[0]! | 1),
    );
    await time('client only: SHA-256 of the file (the manifest key), on its worker thread', () => hashPath(file));
    const raws = measures.flatMap((m) => m.runs.map((r) => r.rawCopy));
    const result = {
      scale,
      rows,
      node: process.version,
      rawCopy: { median: median(raws), min: Math.min(...raws), max: Math.max(...raws), runs: raws.length },
      measures: measures.map((m) => ({ ...m, microsecondsPerRow: round((m.seconds * 1e6) / rows) })),
    };
    await mkdir(String(values.out), { recursive: true });
    const out = join(String(values.out), `floor-${scale}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(out, JSON.stringify(result, null, 2));
    const print = (line: string) => process.stdout.write(line + '\n');
    const { rawCopy: r } = result;
    print(`\nfloor: ${rows} BRP rows; raw COPY ${r.median.toFixed(2)} s (median of ${r.runs}, ${r.min.toFixed(2)} to ${r.max.toFixed(2)} s)`);
    print(
      `${'what (median of its runs; x raw: median of each run over the raw COPY just before it)'.padEnd(88)} ${'seconds'.padStart(8)} ${'µs/row'.padStart(7)} ${'x raw'.padStart(6)}`,
    );
    for (const m of result.measures)
      print(`${m.what.padEnd(88)} ${m.seconds.toFixed(2).padStart(8)} ${m.microsecondsPerRow.toFixed(2).padStart(7)} ${m.vsRawCopy.toFixed(2).padStart(6)}`);
    print(`JSON: ${out}`);
  } finally {
    await client.end();
    await db.close();
    await rm(work, { recursive: true, force: true });
    // Gigabytes of copies that nothing reads again.
    await dropDatabase(adminUrl, database);
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Lines split on bytes, the BSN taken as the bytes before the first `;`, and handed to `hash`. */
async function splitAndHash(file: string, hash: (bytes: Buffer, start: number, end: number) => number): Promise<void> {
  let carry: Buffer | null = null;
  let header = true;
  let sink = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const bytes: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
      if (header) header = false;
      else sink |= hash(bytes, start, bytes.indexOf(59, start));
      start = end + 1;
    }
    carry = start < bytes.length ? bytes.subarray(start) : null;
  }
  if (sink === 0) throw new Error('nothing was hashed');
}

if (values.ingest) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  // The publish floor is measured by the bench itself, after its run; a child keeps its heap apart.
  const args = ['--scale', String(values.scale), '--out', String(values.out), '--data', String(values.data)];
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./run.ts', import.meta.url)), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => (process.exitCode = code ?? 1));
}
