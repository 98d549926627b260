import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { openContext } from '../../lib/app.ts';
import { loadConfig } from '../../lib/config.ts';
import { generateMunicipality } from '../../synthetic/municipality.ts';
import { runPipeline, type RunSummary } from '../run.ts';
import { formatSummary } from '../summary.ts';

export interface DemoOptions {
  residents: number;
  dataDir: string;
  print: (line: string) => void;
}

/** The plan's own setting: Woerden and Oudewater, one OOV team, one warehouse. */
const WOERDEN = { gemeentecode: '0632', woonplaats: 'Woerden', postcodeBase: 3440 } as const;
const OUDEWATER = { gemeentecode: '0589', woonplaats: 'Oudewater', postcodeBase: 3420 } as const;

/**
 * Two synthetic municipalities, Woerden and Oudewater (about 53,000 and 10,000 residents), in one
 * inbox (inbox/<gemeentecode>/<source>/), the nightly run over both, and the proof that the
 * planted anomalies were found in each, including the one only their agreement shows: the owner
 * of premises closed in Woerden who runs a bar in Oudewater. The only command allowed to make up
 * a pseudonymisation key.
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
      GEMEENTEN: `${WOERDEN.gemeentecode},${OUDEWATER.gemeentecode}`,
      SAMENWERKING: `${WOERDEN.gemeentecode}+${OUDEWATER.gemeentecode}`,
    },
  });
  print(`Database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.PGLITE_DIR}`}`);
  const t0 = performance.now();
  // The BRP as a GBA-V selection in LO3 columns, the realistic export, with its deceased, emigrated
  // and suspended persons, unknown values and onjuist rows (the benchmark keeps the readable CSV).
  const woerden = await generateMunicipality(join(inbox, WOERDEN.gemeentecode), { ...WOERDEN, residents: options.residents, brpFormat: 'lo3' });
  // Oudewater is about a fifth of Woerden; its persons and companies are its own (offset), but for
  // the Woerden Damocles owner who holds a permit there.
  const owner = woerden.damoclesOwners[0];
  const oudewater = await generateMunicipality(join(inbox, OUDEWATER.gemeentecode), {
    ...OUDEWATER,
    residents: Math.max(100, Math.round((options.residents * 10) / 53)),
    brpFormat: 'lo3',
    seed: 20_240_602,
    personOffset: 5_000_000,
    outsideHolders: owner ? [owner] : [],
  });
  for (const [g, m] of [
    [WOERDEN, woerden],
    [OUDEWATER, oudewater],
  ] as const) {
    print(`Synthetische gemeente ${g.woonplaats} (${g.gemeentecode}): ${m.residents} inwoners, ${m.verblijfsobjecten} verblijfsobjecten`);
  }
  print(`Gemaakt in ${((performance.now() - t0) / 1000).toFixed(1)} s (${inbox})`);
  const ctx = await openContext({ config });
  try {
    const summary = await runPipeline(ctx, { trigger: 'demo' });
    print(formatSummary(summary));
    // Proof that the planted anomalies were found, per municipality and rule, and near misses not.
    const { rows } = await ctx.db.query<{ rule_code: string; subject_key: string; evidence: { andere_gemeenten?: string[] | null } }>(
      `SELECT rule_code, subject_key, evidence FROM pakhuis.signals WHERE status = 'open'`,
    );
    const found = new Map(rows.map((r) => [`${r.rule_code}\u0000${r.subject_key}`, r]));
    print('Geplante afwijkingen gevonden (per gemeente en regel: gevonden/gepland, ten onrechte gemeld/bijna-gevallen):');
    for (const [g, generated] of [
      [WOERDEN, woerden],
      [OUDEWATER, oudewater],
    ] as const) {
      print(`  ${g.gemeentecode} ${g.woonplaats}`);
      // A subject names its municipality where it is a case number or an address (pakhuis.zaak_sleutel).
      const has = (rule: string, s: string) => found.has(`${rule}\u0000${s}`) || found.has(`${rule}\u0000${g.gemeentecode}/${s}`);
      for (const [rule, planted] of Object.entries(generated.plantedByRule)) {
        const hits = planted.filter((s) => has(rule, s)).length;
        const near = generated.nearMissByRule?.[rule] ?? [];
        const wrong = near.filter((s) => has(rule, s)).length;
        print(`    ${rule.padEnd(30)} ${hits}/${planted.length}${near.length ? `, ${wrong}/${near.length}` : ''}`);
      }
    }
    if (owner) {
      const permit = oudewater.outsideHolderPermits[0];
      const bibob = permit !== undefined && found.has(`VERGUNNING_BIBOB\u0000${OUDEWATER.gemeentecode}/${permit}`);
      const elders = found.get(`DAMOCLES_BETROKKENE_ELDERS\u0000${WOERDEN.gemeentecode}/${owner.subject}`);
      const across = Boolean(elders?.evidence.andere_gemeenten?.includes(OUDEWATER.gemeentecode));
      print('Over de gemeentegrens (SAMENWERKING=0632+0589): de eigenaar van een in Woerden gesloten pand heeft een vergunning in Oudewater:');
      print(
        `  VERGUNNING_BIBOB voor die vergunning in Oudewater: ${bibob ? 'gevonden' : 'niet gevonden'}; DAMOCLES_BETROKKENE_ELDERS in Woerden noemt Oudewater: ${across ? 'ja' : 'nee'}`,
      );
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
