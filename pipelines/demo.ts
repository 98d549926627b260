import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { openContext } from '../lib/app.ts';
import { loadConfig } from '../lib/config.ts';
import { generateMunicipality } from '../synthetic/municipality.ts';
import { runPipeline, type RunSummary } from './run.ts';
import { formatSummary } from './summary.ts';

export interface DemoOptions {
  residents: number;
  dataDir: string;
  print: (line: string) => void;
}

/**
 * A synthetic municipality the size of Woerden, the nightly run over it, and the proof that the
 * planted anomalies were found. The only command allowed to make up a pseudonymisation key.
 */
export async function runDemo(options: DemoOptions): Promise<RunSummary> {
  const { print } = options;
  const dataDir = resolve(options.dataDir);
  const inbox = join(dataDir, 'demo', 'inbox');
  const keySet = Boolean(process.env.PSEUDONYMIZATION_KEY || process.env.PSEUDONYMIZATION_KEY_FILE);
  const config = loadConfig({
    overrides: {
      ...(keySet ? {} : { PSEUDONYMIZATION_KEY: await demoKey(join(dataDir, 'demo-key'), print) }),
      // The demo speaks through its Dutch summary; the log says only what goes wrong, unless asked.
      ...(process.env.LOG_LEVEL ? {} : { LOG_LEVEL: 'warn' }),
      INBOX_DIR: inbox,
      ARCHIVE_DIR: join(dataDir, 'demo', 'archive'),
      PGLITE_DIR: process.env.PGLITE_DIR ?? join(dataDir, 'pglite'),
      OUT_DIR: process.env.OUT_DIR ?? resolve('out'),
      FILE_STABLE_SECONDS: 0,
    },
  });
  print(`Database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.PGLITE_DIR}`}`);
  const t0 = performance.now();
  // The BRP as a GBA-V selection in LO3 columns, the realistic export, with its deceased, emigrated
  // and suspended persons, unknown values and onjuist rows (the benchmark keeps the readable CSV).
  const generated = await generateMunicipality(inbox, { residents: options.residents, brpFormat: 'lo3' });
  print(`Synthetische gemeente: ${generated.residents} inwoners, ${generated.verblijfsobjecten} verblijfsobjecten in ${((performance.now() - t0) / 1000).toFixed(1)} s (${inbox})`);
  const ctx = await openContext({ config });
  try {
    const summary = await runPipeline(ctx, { trigger: 'demo' });
    print(formatSummary(summary));
    // Proof that the planted anomalies were found, rule by rule, and that near misses were not.
    const { rows } = await ctx.db.query<{ rule_code: string; subject_key: string }>(
      `SELECT rule_code, subject_key FROM pakhuis.signals WHERE status = 'open'`,
    );
    const found = new Set(rows.map((r) => `${r.rule_code}\u0000${r.subject_key}`));
    print('Geplante afwijkingen gevonden (per regel: gevonden/gepland, ten onrechte gemeld/bijna-gevallen):');
    for (const [rule, planted] of Object.entries(generated.plantedByRule)) {
      const hits = planted.filter((s) => found.has(`${rule}\u0000${s}`)).length;
      const near = generated.nearMissByRule?.[rule] ?? [];
      const wrong = near.filter((s) => found.has(`${rule}\u0000${s}`)).length;
      print(`  ${rule.padEnd(30)} ${hits}/${planted.length}${near.length ? `, ${wrong}/${near.length}` : ''}`);
    }
    return summary;
  } finally {
    await ctx.db.close();
  }
}

async function demoKey(path: string, print: (line: string) => void): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(dirname(path), { recursive: true });
  const key = randomBytes(32).toString('hex');
  await writeFile(path, key + '\n', { mode: 0o600 });
  print(`Geen PSEUDONYMIZATION_KEY gezet: een lokale demosleutel is gemaakt in ${path} (alleen voor de demo).`);
  return key;
}
