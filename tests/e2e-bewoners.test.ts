import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../lib/config.ts';
import { openDatabase, type Database } from '../lib/db.ts';
import { createLogger } from '../lib/logger.ts';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import type { PipelineContext } from '../lib/context.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';

/**
 * End to end through `pakhuis run`, as a municipality would run it: the deceased, the emigrated
 * and the suspended never count as residents in OVERBEWONING, GEEN_WOONFUNCTIE or
 * BRIEFADRES_CLUSTER, while the same objects with the living alone are flagged (the controls prove
 * the rules do fire here). The export is an LO3 selection; the same population in Haal Centraal
 * JSON goes through the same pipeline in-process (below, and in synthetic-life-events.test.ts),
 * because each run of the command line costs seconds on PGlite.
 */
const BIN = new URL('../bin/pakhuis.js', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/brp-life-events/', import.meta.url).pathname;

/** The command line and the database it writes: a cloned PostgreSQL database, or a PGlite folder. */
class CliDatabase {
  #ctx?: TestContext;
  #pglite?: { dir: string; db?: Database };

  static async create(): Promise<CliDatabase> {
    const cli = new CliDatabase();
    if (inject('target').kind === 'postgres') cli.#ctx = await createTestContext();
    // PGlite is one process at a time: the command line makes and migrates the folder, the test
    // reads it after each run.
    else cli.#pglite = { dir: await mkdtemp(join(tmpdir(), 'pakhuis-e2e-')) };
    return cli;
  }

  get dir(): string {
    return this.#ctx?.dir ?? this.#pglite!.dir;
  }

  async run(): Promise<string> {
    if (this.#pglite?.db) {
      await this.#pglite.db.close();
      this.#pglite.db = undefined;
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      PSEUDONYMIZATION_KEY: TEST_KEY,
      INBOX_DIR: join(this.dir, 'inbox'),
      ARCHIVE_DIR: join(this.dir, 'archive'),
      OUT_DIR: join(this.dir, 'out'),
      FILE_STABLE_SECONDS: '0',
      ...(this.#ctx ? { DATABASE_URL: this.#ctx.url! } : { PGLITE_DIR: join(this.dir, 'pglite') }),
    };
    const { stdout } = await promisify(execFile)('node', [BIN, 'run'], { env, timeout: 240_000 });
    return stdout;
  }

  /** The same run in this process (runPipeline is what `pakhuis run` calls). */
  async runInProcess(): Promise<RunSummary> {
    const ctx = this.#ctx ?? (await this.#pgliteContext());
    return runPipeline(ctx, { trigger: 'test' });
  }

  async #pgliteContext(): Promise<PipelineContext> {
    this.#pglite!.db ??= await openDatabase({ pgliteDir: join(this.dir, 'pglite') });
    const config = loadConfig({
      env: {},
      overrides: {
        PGLITE_DIR: join(this.dir, 'pglite'),
        INBOX_DIR: join(this.dir, 'inbox'),
        ARCHIVE_DIR: join(this.dir, 'archive'),
        OUT_DIR: join(this.dir, 'out'),
        PSEUDONYMIZATION_KEY: TEST_KEY,
        FILE_STABLE_SECONDS: 0,
      },
    });
    return { db: this.#pglite!.db, config, log: createLogger({ level: 'silent' }), pseudonymizer: new Pseudonymizer(TEST_KEY, 1) };
  }

  async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
    if (this.#ctx) return (await this.#ctx.db.query<R>(sql, params)).rows;
    this.#pglite!.db ??= await openDatabase({ pgliteDir: join(this.dir, 'pglite') });
    return (await this.#pglite!.db.query<R>(sql, params)).rows;
  }

  async close(): Promise<void> {
    if (this.#ctx) return this.#ctx.close();
    await this.#pglite?.db?.close();
    await rm(this.#pglite!.dir, { recursive: true, force: true });
  }
}

const serial = (n: number) => String(n).padStart(10, '0');
const obj = (n: number, m2: number, doel = 'woonfunctie') => ({
  id: `099901${serial(n)}`,
  num: `099920${serial(n)}`,
  postcode: `${9100 + n}AB`,
  huisnummer: n,
  m2,
  doel,
});
const KRAP = obj(11, 60); // 4 living residents: 15 m2 each, within the norm
const KRAP_CONTROLE = obj(12, 60); // 6 living: 10 m2 each
const KANTOOR = obj(13, 200, 'kantoorfunctie'); // only the deceased, emigrated and suspended
const KANTOOR_CONTROLE = obj(14, 200, 'kantoorfunctie'); // one living woonadres
const BRIEVEN = obj(15, 100); // 4 living briefadressen
const BRIEVEN_CONTROLE = obj(16, 100); // 5 living briefadressen
type Obj = ReturnType<typeof obj>;

function bag(): string {
  const header =
    'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
  const rows = [KRAP, KRAP_CONTROLE, KANTOOR, KANTOOR_CONTROLE, BRIEVEN, BRIEVEN_CONTROLE].map((o) =>
    [
      'Proefstraat',
      o.huisnummer,
      '',
      '',
      o.postcode,
      'Proefdorp',
      'Proefgemeente',
      'Utrecht',
      o.num,
      o.doel,
      o.m2,
      'Verblijfsobject in gebruik',
      o.id,
      'VBO',
      'f',
      '0999100000000001',
      'Pand in gebruik',
      '1990',
      '',
      '',
      '',
      '',
      '',
    ].join(';'),
  );
  return [header, ...rows].join('\n') + '\n';
}

/** Valid test BSNs (11-proef) from 999980000 on. */
function* bsns(): Generator<string> {
  for (let n = 999_980_000; ; n++) {
    const s = String(n);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (9 - i) * Number(s[i]);
    if ((sum - Number(s[8])) % 11 === 0) yield s;
  }
}

type Fate = 'levend' | 'overleden' | 'geemigreerd' | 'opgeschort' | 'fout';
interface Person {
  at: Obj;
  functie: 'W' | 'B';
  fate: Fate;
}

/** Who is registered where: the living, and at each object the others who must not count. */
function population(): Person[] {
  const p = (at: Obj, functie: 'W' | 'B', fate: Fate, n = 1): Person[] => Array.from({ length: n }, () => ({ at, functie, fate }));
  const others = (at: Obj, functie: 'W' | 'B') => [
    ...p(at, functie, 'overleden'),
    ...p(at, functie, 'geemigreerd'),
    ...p(at, functie, 'opgeschort'),
    ...p(at, functie, 'fout'),
  ];
  return [
    ...p(KRAP, 'W', 'levend', 4),
    ...others(KRAP, 'W'),
    ...p(KRAP_CONTROLE, 'W', 'levend', 6),
    ...others(KANTOOR, 'W'),
    ...p(KANTOOR_CONTROLE, 'W', 'levend'),
    ...p(BRIEVEN, 'B', 'levend', 4),
    ...others(BRIEVEN, 'B'),
    ...p(BRIEVEN_CONTROLE, 'B', 'levend', 5),
  ];
}

/** The population as a GBA-V selection: the emigrant's current address is abroad, the Dutch one history. */
function lo3(persons: Person[]): string {
  const header = ';01.01.20;01.02.40;06.08.10;07.67.10;07.67.20;08.09.10;08.10.10;08.10.30;08.11.20;08.11.60;08.11.80;08.13.10;08.13.20';
  const bsn = bsns();
  const lines = persons.flatMap((person, i) => {
    const dutch = ['0999', person.functie, '20150101', person.at.huisnummer, person.at.postcode, person.at.id, '', ''];
    const pl = `PL${i + 1}`;
    const id = [pl, bsn.next().value, 'Proef'];
    switch (person.fate) {
      case 'levend':
        return [[...id, '', '', '', ...dutch]];
      case 'overleden':
        return [[...id, '20220301', '20220301', 'O', ...dutch]];
      case 'opgeschort':
        return [[...id, '', '20230101', 'M', ...dutch]];
      case 'fout':
        return [[...id, '', '20240101', 'F', ...dutch]];
      case 'geemigreerd':
        return [
          [...id, '', '20210601', 'E', '1999', '', '', '', '', '', '5010', '20210601'],
          ['', '', '', '', '', '', ...dutch],
        ];
    }
  });
  return [header, ...lines.map((l) => l.join(';'))].join('\n') + '\n';
}

/** The population as Haal Centraal persons: the emigrant's last Dutch address with opschorting E. */
function haalCentraal(persons: Person[]): string {
  const bsn = bsns();
  for (let i = 0; i < 500; i++) bsn.next(); // other persons than the LO3 export's
  return JSON.stringify(
    persons.map((person) => {
      const suspended = (datum: string, code: string) => ({ opschortingBijhouding: { datum, reden: { code } } });
      return {
        burgerservicenummer: bsn.next().value,
        naam: { geslachtsnaam: 'Proef' },
        ...(person.fate === 'overleden' ? { overlijden: { datum: '20220301' }, ...suspended('20220301', 'O') } : {}),
        ...(person.fate === 'geemigreerd' ? suspended('20210601', 'E') : {}),
        ...(person.fate === 'opgeschort' ? suspended('20230101', 'M') : {}),
        ...(person.fate === 'fout' ? suspended('20240101', 'F') : {}),
        verblijfplaats: {
          functieAdres: { code: person.functie },
          adresseerbaarObjectIdentificatie: person.at.id,
          datumAanvangAdreshouding: '20150101',
          huisnummer: person.at.huisnummer,
          postcode: person.at.postcode,
        },
      };
    }),
  );
}

describe('pakhuis run: who counts as a resident', () => {
  let cli: CliDatabase;
  beforeAll(async () => {
    cli = await CliDatabase.create();
  });
  afterAll(async () => cli?.close());

  it('counts exactly the three living residents of the six-line file of issue 13', async () => {
    await writeFileIn(join(cli.dir, 'inbox', 'bag', 'bag.csv'), await readFile(FIXTURES + 'bag.csv'));
    await writeFileIn(join(cli.dir, 'inbox', 'brp', 'zes-regels.csv'), await readFile(FIXTURES + 'lo3/zes-regels-issue-13.csv'));
    const out = await cli.run();
    expect(out).toContain('brp/zes-regels.csv: 6 rijen geladen, 0 afgekeurd');
    expect(out).toContain('geladen, niet op een BAG-adres: 1 in het buitenland');
    expect(await cli.query(`SELECT woonadressen FROM model.bewoning WHERE verblijfsobject_id = '1811011200020001'`)).toEqual([{ woonadressen: 3 }]);
  });

  describe.each([
    ['LO3 through the command line', 'brp-lo3.csv', () => lo3(population()), true],
    ['Haal Centraal JSON through the same pipeline', 'brp-haalcentraal.json', () => haalCentraal(population()), false],
  ])('%s', (_format, name, content, commandLine) => {
    let signals: { rule_code: string; verblijfsobject_id: string; evidence: Record<string, unknown> }[];
    beforeAll(async () => {
      await writeFileIn(join(cli.dir, 'inbox', 'bag', 'bag-e2e.csv'), bag());
      await writeFileIn(join(cli.dir, 'inbox', 'brp', name), content());
      if (commandLine) expect(await cli.run()).toMatch(/geslaagd/);
      else expect((await cli.runInProcess()).status).toBe('succeeded');
      signals = await cli.query(
        `SELECT rule_code, verblijfsobject_id, evidence FROM pakhuis.signals WHERE status = 'open' AND rule_code IN ('OVERBEWONING', 'GEEN_WOONFUNCTIE', 'BRIEFADRES_CLUSTER') ORDER BY 1, 2`,
      );
    });

    it('flags the controls, where only the living live', () => {
      expect(signals.map((s) => [s.rule_code, s.verblijfsobject_id, s.evidence.personen ?? s.evidence.briefadressen])).toEqual([
        ['BRIEFADRES_CLUSTER', BRIEVEN_CONTROLE.id, 5],
        ['GEEN_WOONFUNCTIE', KANTOOR_CONTROLE.id, 1],
        ['OVERBEWONING', KRAP_CONTROLE.id, 6],
      ]);
    });

    it('never counts the deceased, the emigrated or the suspended', async () => {
      expect(
        await cli.query(`SELECT verblijfsobject_id, woonadressen, briefadressen FROM model.bewoning WHERE verblijfsobject_id = ANY ($1) ORDER BY 1`, [
          [KRAP.id, KANTOOR.id, BRIEVEN.id],
        ]),
      ).toEqual([
        { verblijfsobject_id: KRAP.id, woonadressen: 4, briefadressen: 0 },
        { verblijfsobject_id: BRIEVEN.id, woonadressen: 0, briefadressen: 4 },
      ]);
    });
  });
});
