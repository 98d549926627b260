/**
 * npm run bench -- [--scale N] [--verblijfsobjecten M] [--out DIR] [--regenerate]
 *
 * Generates a deterministic synthetic municipality of N residents (default 2,000,000) in a child
 * process (bench/generate.ts), then in one run on one database: a raw COPY of the BRP and BAG
 * files into plain text tables (the physical limit of this machine) before and after the full
 * nightly pipeline over the same files, step by step; then, on PostgreSQL, the publish floor over
 * the same staged rows (bench/publish-floor.ts) and a fingerprint of what the run decided (the
 * signals and the model, bench/fingerprint.ts) that two runs over the same files must share.
 * Prints a table and writes JSON. Quote ratios, not seconds: machines here are noisy.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.ts';
import { openDatabase, type Database } from '../lib/db.ts';
import { createLogger } from '../lib/logger.ts';
import { migrate } from '../lib/migrate.ts';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { runPipeline } from '../pipelines/run.ts';
import { cliRun, fillInbox, type CliRun } from './cli-run.ts';
import { fingerprint } from './fingerprint.ts';
import { measurePublishFloor, type FloorStep } from './publish-floor.ts';
import { freshDatabase, municipality, rawCopy } from './shared.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '2000000' },
    // Default 0.45 per resident (see synthetic/municipality.ts); the whole country is 9,900,000.
    verblijfsobjecten: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    data: { type: 'string', default: 'bench/data' },
    regenerate: { type: 'boolean', default: false },
    // The floor rebuilds the BRP and BAG model tables once more: at national scale, minutes.
    'skip-floor': { type: 'boolean', default: false },
    // The run once more as `node bin/pakhuis.js run` in its own process, start-up included (what the
    // issue's Woerden-scale figure is quoted from). On by default up to 200,000 residents, where it
    // costs seconds; --cli-run or --skip-cli-run to choose.
    'cli-run': { type: 'boolean' },
    'skip-cli-run': { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
if (!Number.isInteger(scale) || scale < 1000) throw new Error('--scale must be a whole number of at least 1000');
const verblijfsobjecten = values.verblijfsobjecten === undefined ? undefined : Number(values.verblijfsobjecten);
if (verblijfsobjecten !== undefined && (!Number.isInteger(verblijfsobjecten) || verblijfsobjecten < 100))
  throw new Error('--verblijfsobjecten must be a whole number of at least 100');

interface Sample {
  t: number;
  rss: number;
}
const samples: Sample[] = [];
const sampler = setInterval(() => samples.push({ t: Date.now(), rss: process.memoryUsage().rss }), 100);
const peakBetween = (from: number, to: number) => Math.max(0, ...samples.filter((s) => s.t >= from - 100 && s.t <= to + 100).map((s) => s.rss));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main() {
  const generated = await municipality(String(values.data), scale, { verblijfsobjecten, regenerate: values.regenerate });
  const dataDir = generated.dir;
  const database = `pakhuis_bench_${scale}`;
  const url = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, database) : undefined;
  const work = resolve('bench/work');
  await rm(work, { recursive: true, force: true });
  const config = loadConfig({
    env: {},
    overrides: {
      DATABASE_URL: url,
      PGLITE_DIR: join(work, 'pglite'),
      INBOX_DIR: join(work, 'inbox'),
      ARCHIVE_DIR: join(work, 'archive'),
      OUT_DIR: join(work, 'out'),
      PSEUDONYMIZATION_KEY: 'bench-key-0123456789abcdef0123456789abcdef',
      FILE_STABLE_SECONDS: 0,
      LOG_LEVEL: 'warn',
    },
  });
  const db = await openDatabase({ url, pgliteDir: config.PGLITE_DIR });
  await migrate(db);

  const files = await fillInbox(dataDir, config.INBOX_DIR);

  // Raw COPY runs before the pipeline and again after it. The first finds a quiet server; the second
  // finds it as the ingest did, mid-way through checkpoints forced by the WAL the loads wrote
  // (PostgreSQL's default max_wal_size is 1 GB). Ratios are taken against the mean of the two.
  const rawBefore = await rawCopies(db, files);
  const ctx = { db, config, log: createLogger({ level: 'warn', format: 'json' }), pseudonymizer: new Pseudonymizer(config.PSEUDONYMIZATION_KEY!, 1) };
  const runStarted = Date.now();
  const summary = await runPipeline(ctx, { trigger: 'bench' });
  const runEnded = Date.now();
  const runMs = runEnded - runStarted;
  if (summary.status !== 'succeeded') throw new Error(`bench run failed: ${summary.error}`);
  const rawAfter = await rawCopies(db, files);
  const floor = db.kind === 'postgres' && !values['skip-floor'] ? await db.withSession((s) => measurePublishFloor(s)) : undefined;
  const decided = await fingerprint(db);
  const rawCopy: Record<string, { seconds: number; before: number; after: number; rows: number }> = {};
  for (const [source, { ms, rows }] of Object.entries(rawBefore)) {
    const before = ms / 1000;
    const after = rawAfter[source]!.ms / 1000;
    rawCopy[source] = { seconds: (before + after) / 2, before, after, rows };
  }
  const { rows: steps } = await db.query<{
    step: string;
    started_at: Date;
    finished_at: Date;
    rows_in: string | null;
    rows_out: string | null;
    details: Record<string, unknown>;
  }>('SELECT step, started_at, finished_at, rows_in, rows_out, details FROM pakhuis.run_steps WHERE run_id = $1 ORDER BY started_at', [summary.runId]);
  clearInterval(sampler);

  const table: { step: string; seconds: number; rows: number | null; rowsPerSecond: number | null; peakRssMb: number; vsRawCopy?: number }[] = [];
  for (const s of steps) {
    const from = new Date(s.started_at).getTime();
    const to = new Date(s.finished_at).getTime();
    const rows = s.rows_in !== null ? Number(s.rows_in) : s.rows_out !== null ? Number(s.rows_out) : null;
    const entry: (typeof table)[number] = {
      step: s.step,
      seconds: (to - from) / 1000,
      rows,
      rowsPerSecond: rows && to > from ? Math.round(rows / ((to - from) / 1000)) : null,
      peakRssMb: mb(peakBetween(from, to)),
    };
    const source = /^ingest (brp|bag)\//.exec(s.step)?.[1];
    if (source && rawCopy[source]) entry.vsRawCopy = Math.round(((to - from) / 1000 / rawCopy[source].seconds) * 100) / 100;
    table.push(entry);
    if (s.step === 'publish') {
      const details = s.details as { transforms?: { script: string; ms: number }[]; rules?: { code: string; ms: number; produced: number }[] };
      for (const t of details.transforms ?? [])
        table.push({ step: `  transform ${t.script}`, seconds: t.ms / 1000, rows: null, rowsPerSecond: null, peakRssMb: 0 });
      for (const r of details.rules ?? []) table.push({ step: `  rule ${r.code}`, seconds: r.ms / 1000, rows: r.produced, rowsPerSecond: null, peakRssMb: 0 });
    }
  }
  await db.close();
  // After the in-process database is closed: PGlite's memory and the pool are gone before the child starts.
  const withCli = values['cli-run'] ?? (!values['skip-cli-run'] && scale <= 200_000);
  let cli: CliRun | undefined;
  if (withCli) {
    cli = await cliRun({
      adminUrl: process.env.DATABASE_URL,
      database: `${database}_cli`,
      dataDir,
      work: join(work, 'cli'),
      key: config.PSEUDONYMIZATION_KEY!,
    });
    if (cli.fingerprint.signalSubjects !== decided.signalSubjects || JSON.stringify(cli.fingerprint.model) !== JSON.stringify(decided.model))
      throw new Error(`the CLI run decided differently from the in-process run: ${JSON.stringify(cli.fingerprint)} vs ${JSON.stringify(decided)}`);
  }
  const result = {
    scale,
    residents: generated.residents,
    verblijfsobjecten: generated.verblijfsobjecten,
    database: db.kind,
    node: process.version,
    generatedIn: generated.generatedIn,
    rawCopy,
    run: { seconds: runMs / 1000, peakRssMb: mb(peakBetween(runStarted, runEnded)), signals: summary.signalsPerRule },
    cliRun: cli && { ...cli, fingerprint: undefined },
    steps: table,
    floor: floor && publishFloor(floor, table),
    fingerprint: decided,
  };
  await mkdir(String(values.out), { recursive: true });
  const out = join(String(values.out), `bench-${scale}-${db.kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(out, JSON.stringify(result, null, 2));

  const print = (line: string) => process.stdout.write(line + '\n');
  print(
    `\nbench: ${generated.residents} residents, ${generated.verblijfsobjecten} verblijfsobjecten on ${db.kind} (${result.generatedIn ? `generated in ${result.generatedIn.toFixed(1)} s, ` : ''}cached in ${dataDir})`,
  );
  for (const source of ['brp', 'bag'] as const) {
    const r = result.rawCopy[source]!;
    print(
      `raw COPY ${source}: ${r.seconds.toFixed(2)} s for ${r.rows} rows (mean of ${r.before.toFixed(2)} s before the run and ${r.after.toFixed(2)} s after it)`,
    );
  }
  print(`${'step'.padEnd(44)} ${'seconds'.padStart(8)} ${'rows'.padStart(10)} ${'rows/s'.padStart(10)} ${'peak MB'.padStart(8)} ${'x raw COPY'.padStart(10)}`);
  for (const e of table) {
    print(
      `${e.step.slice(0, 44).padEnd(44)} ${e.seconds.toFixed(2).padStart(8)} ${String(e.rows ?? '').padStart(10)} ${String(e.rowsPerSecond ?? '').padStart(10)} ${String(e.peakRssMb || '').padStart(8)} ${String(e.vsRawCopy ?? '').padStart(10)}`,
    );
  }
  print(`whole run: ${result.run.seconds.toFixed(1)} s, peak RSS of this process ${result.run.peakRssMb} MB`);
  if (cli)
    print(
      `pakhuis run (own process, start-up included, ${cli.bundled ? 'bundled CLI' : 'from the sources'}): ${cli.seconds.toFixed(1)} s, of which the run ${cli.runSeconds.toFixed(1)} s start-up ${cli.startupSeconds.toFixed(1)} s, exit ${cli.exitSeconds.toFixed(1)} s; ${cli.cpuSeconds.toFixed(1)} s of CPU; peak RSS ${cli.peakRssMb} MB; same signals and model`,
    );
  if (result.floor) {
    const f = result.floor;
    for (const t of f.tables)
      print(
        `  floor ${t.table.padEnd(36)} ${t.seconds.toFixed(2).padStart(8)} ${String(t.rows).padStart(10)}   (insert ${t.insertSeconds.toFixed(2)} s, indexes ${t.indexSeconds.toFixed(2)} s)`,
      );
    print(
      `publish floor (BRP and BAG model tables): ${f.seconds.toFixed(2)} s; their transforms ${f.transformSeconds.toFixed(2)} s = ${f.transformsVsFloor}x, the whole publish step ${f.publishSeconds.toFixed(2)} s = ${f.publishVsFloor}x`,
    );
  }
  print(`signals: ${JSON.stringify(result.run.signals)}; subjects sha256 ${result.fingerprint.signalSubjects.slice(0, 16)}…`);
  if (db.kind === 'pglite')
    print('(PGlite runs the database inside this process: its memory is in these peaks; set DATABASE_URL to measure the pipeline alone)');
  print(`JSON: ${out}`);
}

/** The transforms the floor stands for: those that build the BRP and BAG model tables. */
const FLOORED_TRANSFORMS = ['10_bag.sql', '20_brp.sql', '22_brp_history.sql', '25_identity.sql'];

function publishFloor(tables: FloorStep[], steps: { step: string; seconds: number }[]) {
  const seconds = tables.reduce((sum, t) => sum + t.seconds, 0);
  const transformSeconds = steps.filter((s) => FLOORED_TRANSFORMS.some((f) => s.step === `  transform ${f}`)).reduce((sum, s) => sum + s.seconds, 0);
  const publishSeconds = steps.find((s) => s.step === 'publish')?.seconds ?? 0;
  const ratio = (x: number) => Math.round((x / seconds) * 100) / 100;
  return { seconds, transformSeconds, transformsVsFloor: ratio(transformSeconds), publishSeconds, publishVsFloor: ratio(publishSeconds), tables };
}

async function rawCopies(db: Database, files: Record<string, string>): Promise<Record<string, { ms: number; rows: number }>> {
  const raw: Record<string, { ms: number; rows: number }> = {};
  for (const source of ['brp', 'bag'] as const) {
    const { seconds, rows } = await db.withSession((session) => rawCopy(session, files[source]!, `bench_raw_${source}`));
    raw[source] = { ms: seconds * 1000, rows };
  }
  return raw;
}

main().catch((error) => {
  clearInterval(sampler);
  console.error(error);
  process.exitCode = 1;
});
