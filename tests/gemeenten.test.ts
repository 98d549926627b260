import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase, withUser, type Database } from '../lib/db.ts';
import { sqlState } from '../lib/errors.ts';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { inProcess } from './helpers/cli.ts';
import { cliDatabase, TEST_KEY } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';
import { csvFile, DAMOCLES_HEADER, damoclesRow, asText, day, dmy, freshBsn, PERMIT_HEADER, permitRow, xlsxFile, type Obj } from './helpers/registers.ts';
import { startSmtp, type TestSmtp } from './helpers/smtp.ts';

/**
 * Woerden (0632) and Oudewater (0589) in one warehouse, through `pakhuis run` (in this process):
 * every delivery placed in its municipality, each town's full state replacing only its own,
 * signals and every analyst view per municipality and per grant, case numbers that collide
 * between the towns (both registers start at V-1 and D-1), reports per municipality, and the
 * Damocles owner in Woerden with a permit in Oudewater seen only under an agreement.
 */
const WOERDEN = '0632';
const OUDEWATER = '0589';

const at = (gemeente: string, n: number, doelen = 'woonfunctie', oppervlakte = 100): Obj => {
  const serial = String(n).padStart(10, '0');
  const base = gemeente === WOERDEN ? 3440 : 3420;
  return { id: `${gemeente}01${serial}`, numId: `${gemeente}20${serial}`, postcode: `${base + n}AB`, huisnummer: n, oppervlakte, doelen };
};

function bag(gemeente: string, objs: Obj[]): string {
  const header =
    'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
  const rows = objs.map((o) =>
    [
      'Kerkstraat',
      o.huisnummer,
      '',
      '',
      o.postcode,
      gemeente,
      gemeente,
      'Utrecht',
      o.numId,
      o.doelen,
      o.oppervlakte,
      'Verblijfsobject in gebruik',
      o.id,
      'VBO',
      'f',
      `${gemeente}100000000001`,
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

/** The readable BRP CSV with the gemeente van inschrijving (08.09.10) of each row. */
function brp(gemeente: string, persons: { bsn: string; obj: Obj }[]): string {
  const header =
    'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id;gemeente';
  return (
    [
      header,
      ...persons.map((p) =>
        [p.bsn, 'Proefnaam', 'Jan', '19800101', p.obj.postcode, p.obj.huisnummer, 'W', dmy(day(-400)), p.obj.id, p.obj.numId, gemeente].join(';'),
      ),
    ].join('\n') + '\n'
  );
}

describe('Woerden and Oudewater in one warehouse', () => {
  const pseudonymizer = new Pseudonymizer(TEST_KEY, 1);
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  /** Roles are cluster-wide on PostgreSQL: named for this process, dropped at the end. */
  const analyst0589 = `ana_0589_${suffix}`;
  const analystNone = `ana_geen_${suffix}`;
  const reident0589 = `rei_0589_${suffix}`;
  let dir: string;
  let inbox: string;
  let out: string;
  let database: { env: Record<string, string>; drop(): Promise<void> };
  let smtp: TestSmtp;
  const saved: Record<string, string | undefined> = {};
  const runs: { code: number; out: string; err: string }[] = [];

  // Woerden: an overcrowded home, premises closed under Damocles (D-1) whose owner lives in town,
  // and an ordinary permit V-1. Oudewater: an overcrowded home, its own D-1 and V-1, the latter a
  // bar run by the Woerden owner.
  const w = { crowded: at(WOERDEN, 1), premises: at(WOERDEN, 2, 'winkelfunctie'), home: at(WOERDEN, 3), shop: at(WOERDEN, 4, 'winkelfunctie') };
  const o = { crowded: at(OUDEWATER, 1), bar: at(OUDEWATER, 2, 'bijeenkomstfunctie'), closed: at(OUDEWATER, 3) };
  const owner = freshBsn();
  const oudewaterTenant = freshBsn();
  const woerdenResidents = Array.from({ length: 12 }, () => ({ bsn: freshBsn(), obj: w.crowded }));
  const oudewaterResidents = Array.from({ length: 12 }, () => ({ bsn: freshBsn(), obj: o.crowded }));

  const env = (extra: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(extra)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  /**
   * One database session shared by the tests, closed whenever a command runs: the embedded
   * database is one process's at a time, and opening it costs a second or two on PGlite.
   */
  let shared: Database | undefined;
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    shared ??= await openDatabase({ url: database.env.DATABASE_URL, pgliteDir: database.env.PGLITE_DIR });
    return fn(shared);
  };
  const pakhuis = async (args: string[]) => {
    await shared?.close();
    shared = undefined;
    return inProcess(args);
  };
  /** Rows of one statement as `role`, in a transaction that is rolled back. */
  const as = (db: Database, role: string, sql: string, params: unknown[] = []) =>
    db
      .transaction(async (tx) => {
        await tx.exec(`SET LOCAL ROLE ${role}`);
        throw Object.assign(new Error('rollback'), { rows: (await tx.query<Record<string, unknown>>(sql, params)).rows });
      })
      .catch((error: { rows?: Record<string, unknown>[] }) => {
        if (!error.rows) throw error;
        return error.rows;
      });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-gemeenten-'));
    inbox = join(dir, 'inbox');
    out = join(dir, 'out');
    database = await cliDatabase(dir);
    smtp = await startSmtp();
    env({
      ...database.env,
      PULL_MELDINGEN_0589: undefined,
      INBOX_DIR: inbox,
      ARCHIVE_DIR: join(dir, 'archive'),
      OUT_DIR: out,
      SPOOL_DIR: join(dir, 'spool'),
      PSEUDONYMIZATION_KEY: TEST_KEY,
      FILE_STABLE_SECONDS: '0',
      LOG_LEVEL: 'silent',
      PAKHUIS_CONFIG: undefined,
      GEMEENTEN: `${WOERDEN},${OUDEWATER}`,
      SAMENWERKING: undefined,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      REPORT_RECIPIENTS: 'oov@woerden.nl',
      REPORT_RECIPIENTS_0589: 'oov@oudewater.nl',
      REPORT_RECIPIENT_ALLOWLIST: '@woerden.nl,@oudewater.nl',
    });
    // Oudewater's registers lie in its folder; Woerden's BAG and BRP say their municipality themselves.
    await writeFileIn(join(inbox, 'bag', 'bag-0632.csv'), bag(WOERDEN, Object.values(w)));
    await writeFileIn(join(inbox, 'brp', 'brp-0632.csv'), brp(WOERDEN, [...woerdenResidents, { bsn: owner, obj: w.home }]));
    await writeFileIn(join(inbox, OUDEWATER, 'bag', 'bag.csv'), bag(OUDEWATER, Object.values(o)));
    await writeFileIn(join(inbox, OUDEWATER, 'brp', 'brp.csv'), brp(OUDEWATER, [...oudewaterResidents, { bsn: oudewaterTenant, obj: o.closed }]));
    await writeFileIn(
      join(inbox, WOERDEN, 'permits', 'vergunningen.xlsx'),
      xlsxFile({
        V: [PERMIT_HEADER, permitRow({ zaak: 'V-1', type: 'exploitatievergunning', obj: w.shop, kvk: '12345678', naam: 'Winkel BV', van: day(-30) })],
      }),
    );
    await writeFileIn(
      join(inbox, WOERDEN, 'damocles', 'damocles.csv'),
      csvFile(DAMOCLES_HEADER, [
        asText(damoclesRow({ zaak: 'D-1', obj: w.premises, type: 'lokaal', start: day(-100), duur: 3, eigenaarBsn: owner, eigenaar: 'Eigenaarnaam' })),
      ]),
    );
    await writeFileIn(
      join(inbox, OUDEWATER, 'permits', 'vergunningen.xlsx'),
      xlsxFile({ V: [PERMIT_HEADER, permitRow({ zaak: 'V-1', type: 'exploitatievergunning', obj: o.bar, bsn: owner, naam: 'Eigenaarnaam', van: day(-30) })] }),
    );
    await writeFileIn(
      join(inbox, OUDEWATER, 'damocles', 'damocles.csv'),
      csvFile(DAMOCLES_HEADER, [
        asText(damoclesRow({ zaak: 'D-1', obj: o.closed, start: day(-100), duur: 3, huurderBsn: oudewaterTenant, huurder: 'Huurdernaam' })),
      ]),
    );
    // Both meldpunten number from M-1.
    const melding = (obj: Obj) =>
      csvFile(
        ['Meldingnummer', 'Datum melding', 'Kanaal', 'Afdeling/partner', 'Categorie', 'BAG-id', 'Postcode', 'Huisnummer', 'Huisletter', 'Omschrijving'],
        [['M-1', dmy(day(-40)), 'intern', 'VTH', 'huisvesting', obj.id, obj.postcode, obj.huisnummer, '', 'veel fietsen']],
      );
    await writeFileIn(join(inbox, WOERDEN, 'meldingen', 'meldingen.csv'), melding(w.crowded));
    await writeFileIn(join(inbox, OUDEWATER, 'meldingen', 'meldingen.csv'), melding(o.crowded));
    // A delivery of a municipality this warehouse does not serve (Utrecht).
    await writeFileIn(join(inbox, 'bag', 'bag-0344.csv'), bag('0344', [at('0344', 1)]));
    runs.push(await pakhuis(['run']));
    await withDb(async (db) => {
      for (const role of [analyst0589, analystNone]) await db.exec(`CREATE ROLE ${role} NOLOGIN IN ROLE pakhuis_analyst`);
      await db.exec(`CREATE ROLE ${reident0589} NOLOGIN IN ROLE pakhuis_reident`);
    });
    runs.push(await pakhuis(['access', 'grant', analyst0589, '--gemeente', OUDEWATER, '--by', 'Proef Beheerder']));
    runs.push(await pakhuis(['access', 'grant', reident0589, '--gemeente', OUDEWATER]));
  }, 240_000);

  afterAll(async () => {
    await withDb(async (db) => {
      for (const role of [analyst0589, analystNone, reident0589]) await db.exec(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }).catch(() => {});
    await shared?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await smtp?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads both towns, each delivery in its municipality, and refuses a municipality it does not serve in one line', async () => {
    const [run] = runs;
    expect(run!.code, run!.err).toBe(0);
    expect(run!.out).toMatch(/bag\/bag-0344\.csv is geweigerd: .*bevat rijen van gemeente 0344, die niet in GEMEENTEN=0632, 0589 staat/);
    // Two towns' BRP in one night are two full states, not one superseding the other.
    expect(run!.out).not.toContain('een levering is een volledige stand');
    expect(run!.out).toMatch(/Open signalen per gemeente: 0589 Oudewater \d+, 0632 Woerden \d+/);
    await withDb(async (db) => {
      const { rows } = await db.query<{ source: string; gemeentecode: string }>(
        `SELECT source, gemeentecode FROM model.source_state ORDER BY source, gemeentecode`,
      );
      expect(rows).toEqual(
        ['bag', 'brp', 'damocles', 'meldingen', 'permits'].flatMap((source) => [
          { source, gemeentecode: OUDEWATER },
          { source, gemeentecode: WOERDEN },
        ]),
      );
      const { rows: refused } = await db.query<{ reason: string }>(`SELECT reason FROM pakhuis.rejected_files`);
      expect(refused.map((r) => r.reason)).toEqual([expect.stringContaining('gemeente 0344')]);
    });
  });

  it('keeps case numbers per municipality: both registers have V-1 and D-1, and both count', async () => {
    await withDb(async (db) => {
      const { rows } = await db.query<{ soort: string; gemeentecode: string; zaaknummer: string }>(
        `SELECT 'vergunning' AS soort, gemeentecode, zaaknummer FROM model.vergunning UNION ALL
         SELECT 'damocles', gemeentecode, zaaknummer FROM model.damocles_zaak ORDER BY 1, 2`,
      );
      expect(rows).toEqual([
        { soort: 'damocles', gemeentecode: OUDEWATER, zaaknummer: 'D-1' },
        { soort: 'damocles', gemeentecode: WOERDEN, zaaknummer: 'D-1' },
        { soort: 'vergunning', gemeentecode: OUDEWATER, zaaknummer: 'V-1' },
        { soort: 'vergunning', gemeentecode: WOERDEN, zaaknummer: 'V-1' },
      ]);
      // Oudewater's D-1 closed a home with its tenant registered in it; Woerden's D-1 closed empty premises.
      const { rows: bewoning } = await db.query(`SELECT subject_key, gemeentecode FROM pakhuis.signals WHERE rule_code = 'DAMOCLES_BEWONING'`);
      expect(bewoning).toEqual([{ subject_key: `${OUDEWATER}/D-1`, gemeentecode: OUDEWATER }]);
      // One key for the warehouse: the Woerden resident is the Oudewater permit holder, one pseudonym.
      const { rows: same } = await db.query(
        `SELECT i.gemeentecode AS woont, p.gemeentecode AS vergunning FROM model.inschrijving i
         JOIN model.partij p ON p.pseudonym = i.pseudonym AND p.zaak_soort = 'vergunning' WHERE i.pseudonym = $1`,
        [pseudonymizer.pseudonymise(owner)],
      );
      expect(same).toEqual([{ woont: WOERDEN, vergunning: OUDEWATER }]);
    });
  });

  it('carries gemeentecode and name on every signal, and stays within one municipality without an agreement', async () => {
    await withDb(async (db) => {
      const { rows } = await db.query<{ rule_code: string; gemeentecode: string; gemeente_naam: string; n: number }>(
        `SELECT rule_code, gemeentecode, gemeente_naam, count(*)::int AS n FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING' GROUP BY 1, 2, 3 ORDER BY 2`,
      );
      expect(rows).toEqual([
        { rule_code: 'OVERBEWONING', gemeentecode: OUDEWATER, gemeente_naam: 'Oudewater', n: 1 },
        { rule_code: 'OVERBEWONING', gemeentecode: WOERDEN, gemeente_naam: 'Woerden', n: 1 },
      ]);
      // The owner lives elsewhere in Woerden: a signal, but the bar in Oudewater is not in it.
      const { rows: elders } = await db.query<{ severity: string; evidence: { andere_gemeenten: string[] | null } }>(
        `SELECT severity, evidence FROM pakhuis.signals WHERE rule_code = 'DAMOCLES_BETROKKENE_ELDERS' AND subject_key = $1`,
        [`${WOERDEN}/D-1/eigenaar`],
      );
      expect(elders).toEqual([{ severity: 'midden', evidence: expect.objectContaining({ andere_gemeenten: null }) }]);
      expect((await db.query(`SELECT 1 FROM pakhuis.signals WHERE rule_code = 'VERGUNNING_BIBOB'`)).rows).toEqual([]);
      const { rows: rules } = await db.query(`SELECT DISTINCT samenwerking FROM signals.rules WHERE code = 'VERGUNNING_BIBOB'`);
      expect(rules).toEqual([{ samenwerking: null }]);
    });
  });

  it('writes and mails a report per municipality, each to its own recipients', async () => {
    const files = (await readdir(out)).filter((f) => f.endsWith('.csv')).sort();
    expect(files).toEqual([
      expect.stringMatching(/^anomalierapport-0589-\d{4}-\d{2}-\d{2}-run1\.csv$/),
      expect.stringMatching(/^anomalierapport-0632-\d{4}-\d{2}-\d{2}-run1\.csv$/),
    ]);
    const oudewater = await readFile(join(out, files[0]!), 'utf8');
    expect(oudewater).toContain(o.crowded.id);
    expect(oudewater).not.toContain(w.crowded.id);
    const bySubject = new Map(smtp.received.map((m, i) => [m.subject ?? '', smtp.envelopes[i]]));
    expect([...bySubject.entries()].map(([subject, to]) => [subject.slice(0, 32), to])).toEqual(
      expect.arrayContaining([
        [expect.stringContaining('0632 Woerden'), ['oov@woerden.nl']],
        [expect.stringContaining('0589 Oudewater'), ['oov@oudewater.nl']],
      ]),
    );
  });

  it('shows an analyst granted only 0589 no 0632 row in any signals view, and one without a grant nothing', async () => {
    expect(runs[1]!.code, runs[1]!.err).toBe(0);
    expect(runs[1]!.out).toBe(`${analyst0589} ziet nu de signalen van 0589 Oudewater (vastgelegd)\n`);
    await withDb(async (db) => {
      // Every view in the schema, from the catalog: a view added later is covered without a change here.
      const { rows: views } = await db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'signals' AND c.relkind IN ('v', 'm') ORDER BY 1`,
      );
      expect(views.length).toBeGreaterThanOrEqual(6);
      // A function of the analyst's own in the WHERE, cheaper than anything the view checks: it
      // notes every row it is shown, and must be shown none of another municipality.
      const spy = `CREATE OR REPLACE FUNCTION pg_temp.gezien(code text) RETURNS boolean LANGUAGE plpgsql COST 0.0001 AS $f$
        BEGIN PERFORM set_config('proef.gezien', coalesce(current_setting('proef.gezien', true), '') || ',' || coalesce(code, 'leeg'), true); RETURN true; END $f$`;
      for (const { name } of views) {
        const seenBySpy = await db.transaction(async (tx) => {
          await tx.exec(`SET LOCAL ROLE ${analyst0589}`);
          await tx.exec(spy);
          await tx.query(`SELECT count(*) FROM signals.${name} WHERE pg_temp.gezien(gemeentecode)`);
          return (await tx.query<{ v: string | null }>(`SELECT current_setting('proef.gezien', true) AS v`)).rows[0]!.v ?? '';
        });
        expect(
          seenBySpy.split(',').filter((c) => c && c !== OUDEWATER),
          `signals.${name} shown to the analyst's function`,
        ).toEqual([]);
        const { rows: cols } = await db.query(
          `SELECT attname FROM pg_attribute WHERE attrelid = ('signals.' || quote_ident($1))::regclass AND attname IN ('gemeentecode', 'gemeente_naam') AND NOT attisdropped`,
          [name],
        );
        expect(cols.length, `signals.${name} carries gemeentecode and gemeente_naam`).toBe(2);
        const all = await db.query<{ gemeentecode: string }>(`SELECT DISTINCT gemeentecode FROM signals.${name}`);
        const seen = await as(db, analyst0589, `SELECT gemeentecode, gemeente_naam, count(*)::int AS n FROM signals.${name} GROUP BY 1, 2`);
        expect(
          seen.filter((r) => r.gemeentecode !== OUDEWATER),
          `signals.${name} as ${analyst0589}`,
        ).toEqual([]);
        expect(seen.every((r) => r.gemeente_naam === 'Oudewater')).toBe(true);
        // What the owner sees of 0589 the analyst sees too.
        if (all.rows.some((r) => r.gemeentecode === OUDEWATER)) expect(seen.length, `signals.${name}`).toBe(1);
        expect(await as(db, analystNone, `SELECT * FROM signals.${name}`), `signals.${name} without a grant`).toEqual([]);
      }
      // A real login on PostgreSQL (the login itself, not a role set on top of another session).
      if (database.env.DATABASE_URL) {
        const login = `ana_login_${suffix}`;
        await db.exec(`CREATE ROLE ${login} LOGIN IN ROLE pakhuis_analyst`);
        try {
          await db.query(`SELECT audit.grant_access($1, '0589')`, [login]);
          const url = new URL(database.env.DATABASE_URL);
          url.username = login;
          const client = new pg.Client({ connectionString: withUser(url.toString()) });
          await client.connect();
          try {
            const { rows } = await client.query(`SELECT gemeentecode, count(*)::int AS n FROM signals.signal_details GROUP BY 1`);
            expect(rows).toEqual([{ gemeentecode: OUDEWATER, n: expect.any(Number) }]);
          } finally {
            await client.end();
          }
          await db.query(`SELECT audit.revoke_access($1, '0589')`, [login]);
        } finally {
          await db.exec(`DROP ROLE ${login}`);
        }
      }
      // The views do hold Woerden's rows: the owner sees them.
      const { rows: both } = await db.query(`SELECT DISTINCT gemeentecode FROM signals.signal_details ORDER BY 1`);
      expect(both).toEqual([{ gemeentecode: OUDEWATER }, { gemeentecode: WOERDEN }]);
      const { rows: log } = await db.query(`SELECT action, login, gemeentecode, stated_by FROM audit.access_log WHERE login <> $1 ORDER BY id`, [
        `ana_login_${suffix}`,
      ]);
      expect(log).toEqual([
        { action: 'toegekend', login: analyst0589, gemeentecode: OUDEWATER, stated_by: 'Proef Beheerder' },
        { action: 'toegekend', login: reident0589, gemeentecode: OUDEWATER, stated_by: expect.any(String) },
      ]);
    });
  });

  it('limits re-identification and inzage the same way, and audits the refusal', async () => {
    await withDb(async (db) => {
      const id = async (gemeente: string) =>
        Number(
          (await db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING' AND gemeentecode = $1`, [gemeente])).rows[0]!.id,
        );
      // Committed, as the CLI's call is: the refusal's audit row must stay.
      const woerdenSignal = await id(WOERDEN);
      const refused = await db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL ROLE ${reident0589}`);
        return (await tx.query(`SELECT * FROM reident.reveal($1, 'zaak OOV-2026-0001: toets per gemeente')`, [woerdenSignal])).rows;
      });
      expect(refused).toEqual([expect.objectContaining({ pseudonym: null, weigering: expect.stringContaining('geen toegang') })]);
      const { rows: audit } = await db.query(`SELECT outcome, persons_shown FROM audit.reidentification WHERE signal_id = $1`, [woerdenSignal]);
      expect(audit).toEqual([{ outcome: 'geweigerd', persons_shown: 0 }]);
      const shown = await as(db, reident0589, `SELECT * FROM reident.reveal($1, 'zaak OOV-2026-0001: toets per gemeente')`, [await id(OUDEWATER)]);
      expect(shown).toHaveLength(12);
      expect(shown.every((r) => r.weigering === null && r.geslachtsnaam === 'Proefnaam')).toBe(true);
      // Inzage (AVG art. 15) about the Woerden owner with a bar in Oudewater: to Oudewater's
      // re-identification login, Oudewater's permit only, not the Woerden address or Damocles case.
      const [inzage] = await as(db, reident0589, `SELECT reident.inzage($1, 1, $2, 'AVG-verzoek 2026-0042 per gemeente') AS r`, [
        pseudonymizer.pseudonymise(owner),
        pseudonymizer.checkValue,
      ]);
      const r = inzage!.r as {
        weigering: string | null;
        inschrijvingen: unknown[];
        zaken: { soort: string; zaaknummer: string }[];
        leveringen: { bestand: string }[];
      };
      expect(r.weigering).toBeNull();
      expect(r.inschrijvingen).toEqual([]);
      expect(r.zaken.map((z) => z.soort)).toEqual(['vergunning']);
      expect(r.leveringen.map((l) => l.bestand)).toEqual([`${OUDEWATER}/permits/vergunningen.xlsx`]);
    });
  });

  it('keeps feedback per municipality: a melding number both meldpunten use is named with its code', async () => {
    const both = await pakhuis(['terugkoppeling', 'M-1', 'teruggekoppeld', '--note', 'gebeld']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('melding M-1 bestaat in meer dan één gemeente (0589, 0632); noem de gemeente erbij, zoals 0589/M-1');
    expect((await pakhuis(['terugkoppeling', `${OUDEWATER}/M-1`, 'teruggekoppeld', '--note', 'gebeld'])).code).toBe(0);
    await withDb(async (db) => {
      const { rows } = await db.query(`SELECT gemeentecode, melding_id, terugkoppeling FROM signals.meldingen ORDER BY 1`);
      expect(rows).toEqual([
        { gemeentecode: OUDEWATER, melding_id: 'M-1', terugkoppeling: 'teruggekoppeld' },
        { gemeentecode: WOERDEN, melding_id: 'M-1', terugkoppeling: 'ontvangen' },
      ]);
      // An analyst of Oudewater cannot judge or give feedback on what it cannot see.
      const tried = (sql: string) =>
        db
          .transaction(async (tx) => (await tx.exec(`SET LOCAL ROLE ${analyst0589}`), tx.query(sql)))
          .then(
            () => 'ok',
            (e: unknown) => sqlState(e),
          );
      const woerdenSignal = (await db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE gemeentecode = $1 LIMIT 1`, [WOERDEN])).rows[0]!.id;
      expect(await tried(`SELECT signals.triage(${woerdenSignal}, 'vals_positief', 'niet van ons')`)).toBe('P0002');
      expect(await tried(`SELECT signals.terugkoppeling('${WOERDEN}/M-1', 'ontvangen')`)).toBe('P0002');
      expect(await tried(`SELECT signals.terugkoppeling('M-1', 'in_behandeling')`)).toBe('ok');
    });
  });

  it('grants and revokes only through pakhuis access, and refuses a municipality it does not serve', async () => {
    const wrong = await inProcess(['access', 'grant', analystNone, '--gemeente', '0344']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^pakhuis access: --gemeente 0344: geen gemeente van dit pakhuis \(GEMEENTEN=0632,0589\)\n/);
    const injected = await inProcess(['access', 'grant', 'x; DROP TABLE audit.access_log', '--gemeente', OUDEWATER]);
    expect(injected.code).toBe(2);
    expect((await pakhuis(['access', 'grant', analystNone, '--gemeente', WOERDEN])).code).toBe(0);
    const list = await pakhuis(['access', 'list']);
    expect(list.out).toContain(`${analystNone}  0632 Woerden`);
    const revoke = await pakhuis(['access', 'revoke', analystNone, '--gemeente', WOERDEN]);
    expect(revoke.out).toBe(`${analystNone} ziet de signalen van 0632 Woerden niet meer (vastgelegd)\n`);
    await withDb(async (db) => {
      expect(await as(db, analystNone, `SELECT 1 FROM signals.signal_details`)).toEqual([]);
      const { rows } = await db.query(`SELECT action FROM audit.access_log WHERE login = $1 ORDER BY id`, [analystNone]);
      expect(rows).toEqual([{ action: 'toegekend' }, { action: 'ingetrokken' }]);
      // The loading role cannot grant itself or anyone else a municipality, nor rewrite the audit.
      const etl = async (sql: string) =>
        db
          .transaction(async (tx) => (await tx.exec('SET LOCAL ROLE pakhuis_etl'), tx.query(sql)))
          .then(
            () => 'ok',
            (e: unknown) => sqlState(e),
          );
      expect(await etl(`SELECT audit.grant_access('${analystNone}', '0632')`)).toBe('42501');
      expect(await etl(`INSERT INTO audit.access_grants (login, gemeentecode, granted_by) VALUES ('${analystNone}', '0632', 'x')`)).toBe('42501');
      expect(await etl(`DELETE FROM audit.access_log`)).toBe('42501');
    });
  });

  it("looks across the border only under SAMENWERKING, and replaces only Woerden with Woerden's next BRP", async () => {
    // Tonight: the agreement, and a Woerden BRP without one of the crowded home's residents.
    // Oudewater's meldpunt export of tonight is pulled from a share into Oudewater's folder.
    const share = join(dir, 'share-oudewater');
    await writeFileIn(
      join(share, 'meldpunt.csv'),
      csvFile(
        ['Meldingnummer', 'Datum melding', 'Kanaal', 'Afdeling/partner', 'Categorie', 'BAG-id', 'Postcode', 'Huisnummer', 'Huisletter', 'Omschrijving'],
        [['M-2', dmy(day(-3)), 'partner', 'Politie', 'drugs', o.bar.id, o.bar.postcode, o.bar.huisnummer, '', 'lucht']],
      ),
    );
    env({ SAMENWERKING: `Werkorganisatie=${WOERDEN}+${OUDEWATER}`, PULL_MELDINGEN_0589: `file://${share}/*.csv` });
    await writeFileIn(join(inbox, 'brp', 'brp-0632-2.csv'), brp(WOERDEN, [...woerdenResidents.slice(1), { bsn: owner, obj: w.home }]));
    const before = await withDb(
      async (db) =>
        (await db.query<{ gemeentecode: string; n: number }>(`SELECT gemeentecode, count(*)::int AS n FROM model.inschrijving GROUP BY 1 ORDER BY 1`)).rows,
    );
    const run = await pakhuis(['run']);
    expect(run.code, run.err).toBe(0);
    await withDb(async (db) => {
      const { rows: after } = await db.query<{ gemeentecode: string; n: number }>(
        `SELECT gemeentecode, count(*)::int AS n FROM model.inschrijving GROUP BY 1 ORDER BY 1`,
      );
      expect(after).toEqual([before[0], { gemeentecode: WOERDEN, n: before[1]!.n - 1 }]);
      const { rows: bibob } = await db.query(
        `SELECT subject_key, gemeentecode, severity, explanation FROM pakhuis.signals WHERE rule_code = 'VERGUNNING_BIBOB' AND status = 'open'`,
      );
      expect(bibob).toEqual([
        { subject_key: `${OUDEWATER}/V-1`, gemeentecode: OUDEWATER, severity: 'hoog', explanation: expect.stringContaining('De zaak ligt in Woerden') },
      ]);
      const { rows: elders } = await db.query<{ severity: string; evidence: { andere_gemeenten: string[] } }>(
        `SELECT severity, evidence FROM pakhuis.signals WHERE rule_code = 'DAMOCLES_BETROKKENE_ELDERS' AND subject_key = $1`,
        [`${WOERDEN}/D-1/eigenaar`],
      );
      expect(elders).toEqual([{ severity: 'hoog', evidence: expect.objectContaining({ andere_gemeenten: [OUDEWATER] }) }]);
      // The pulled export is Oudewater's full state of its meldpunt; Woerden's stays as it was.
      const { rows: meldingen } = await db.query(`SELECT gemeentecode, melding_id FROM model.melding ORDER BY 1, 2`);
      expect(meldingen).toEqual([
        { gemeentecode: OUDEWATER, melding_id: 'M-2' },
        { gemeentecode: WOERDEN, melding_id: 'M-1' },
      ]);
      const { rows: rules } = await db.query(`SELECT code, gemeentecode, samenwerking FROM signals.rules WHERE samenwerking IS NOT NULL ORDER BY 1, 2`);
      expect(rules).toEqual(
        ['DAMOCLES_BETROKKENE_ELDERS', 'VERGUNNING_BIBOB'].flatMap((code) =>
          [OUDEWATER, WOERDEN].map((g) => ({ code, gemeentecode: g, samenwerking: 'Werkorganisatie' })),
        ),
      );
    });
  });

  it('makes the overleg overview per municipality or joint', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const own = await pakhuis(['overleg', '--maand', month, '--out', join(dir, 'overleg-0589'), '--gemeente', OUDEWATER]);
    expect(own.code, own.err).toBe(0);
    const joint = await pakhuis(['overleg', '--maand', month, '--out', join(dir, 'overleg-samen')]);
    expect(joint.code, joint.err).toBe(0);
    const elsewhere = await inProcess(['overleg', '--maand', month, '--out', join(dir, 'overleg-0344'), '--gemeente', '0344']);
    expect([elsewhere.code, elsewhere.err.split('\n')[0]]).toEqual([
      2,
      'pakhuis overleg: --gemeente 0344: geen gemeente van dit pakhuis (GEMEENTEN=0632,0589)',
    ]);
    const ownHtml = await readFile(join(dir, 'overleg-0589.html'), 'utf8');
    const jointHtml = await readFile(join(dir, 'overleg-samen.html'), 'utf8');
    expect(ownHtml).toContain(o.crowded.postcode);
    expect(ownHtml).not.toContain(w.crowded.postcode);
    expect(jointHtml).toContain(o.crowded.postcode);
    expect(jointHtml).toContain(w.crowded.postcode);
  });
});
