/**
 * Accountability (issue 19) on a small synthetic town, two nightly runs: inzage for one resident
 * who is in two signals (one resolved and judged), the DPIA appendix, the spread monitor with one
 * planted concentration, and trying a rule change. Each through the CLI, run in this process.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, withUser } from '../lib/db.ts';
import { sqlState } from '../lib/errors.ts';
import { runPipeline } from '../pipelines/run.ts';
import { makeOverleg } from '../reports/overleg/index.ts';
import { ruleVariants, tryRules } from '../reports/verantwoording/rules-try.ts';
import { concentrations } from '../reports/verantwoording/spreiding.ts';
import { RULES } from '../rules/index.ts';
import { loadTransforms } from '../transforms/graph.ts';
import { columnsIn, FIELD_LABELS, MODEL_SOURCES, relationsIn } from '../rules/reads.ts';
import { hasChromium, withBrowser } from './helpers/browser.ts';
import { inProcess } from './helpers/cli.ts';
import { createTestContext, TEST_KEY, type TestContext } from './helpers/context.ts';
import { day, freshBsn, obj, writeInbox, type Obj, type Person } from './helpers/registers.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const UPDATE_DOCS = Boolean(process.env.PAKHUIS_UPDATE_DOCS);
const docs = (name: string) => new URL(`../docs/${name}`, import.meta.url).pathname;

let serial = 700;
/** An object in the given PC4 area. */
const at = (pc4: string, m2: number): Obj => {
  const o = obj(serial++, 'woonfunctie', m2);
  return { ...o, postcode: `${pc4}${o.postcode.slice(4)}` };
};
let nameSerial = 0;
const person = (o: Obj, since = day(-400)): Person => ({
  bsn: freshBsn(),
  naam: `Buurnaam${String.fromCharCode(65 + (nameSerial % 26))}${nameSerial++}`,
  stays: [{ obj: o, since }],
});
const household = (o: Obj, n: number) => Array.from({ length: n }, () => person(o));

describe('verantwoording: inzage, DPIA appendix, spread monitor, rules try', () => {
  let ctx: TestContext;
  // 3411: the planted concentration (5 crowded homes among few residents).
  const crowded3411 = Array.from({ length: 5 }, () => at('3411', 28));
  const normal3411 = Array.from({ length: 3 }, () => at('3411', 100));
  // 3412: the resident's old home C0 (crowded in run 1), the home C1 they move to, and many normal homes.
  const c0 = at('3412', 28);
  const c1 = at('3412', 40);
  const normal3412 = Array.from({ length: 25 }, () => at('3412', 100));
  // 3413: homes at 12.5 m2 per person: a signal only under a norm of 15.
  const mid3413 = Array.from({ length: 2 }, () => at('3413', 50));
  const normal3413 = Array.from({ length: 25 }, () => at('3413', 100));
  // 3414: a high rate, but below SPREIDING_MIN signals: not named.
  const crowded3414 = Array.from({ length: 2 }, () => at('3414', 28));
  const objects = [...crowded3411, ...normal3411, c0, c1, ...normal3412, ...mid3413, ...normal3413, ...crowded3414];

  const resident: Person = { bsn: freshBsn(), naam: 'Inzagevrager', stays: [{ obj: c0, since: day(-400) }] };
  const c0Others = household(c0, 3);
  const c1Others = household(c1, 3);
  const rest = [
    ...crowded3411.flatMap((o) => household(o, 4)),
    ...normal3411.flatMap((o) => household(o, 2)),
    ...normal3412.flatMap((o) => household(o, 2)),
    ...mid3413.flatMap((o) => household(o, 4)),
    ...normal3413.flatMap((o) => household(o, 2)),
    ...crowded3414.flatMap((o) => household(o, 4)),
  ];
  const everyoneElse = [...c0Others, ...c1Others, ...rest];
  let signalA: number;
  let dir: string;

  /** `pakhuis <args>` in this process against this file's database (PGlite: closed meanwhile, one session per folder). */
  const cli = async (args: string[], env: Record<string, string> = {}, options: { database?: boolean } = {}) => {
    const reopen = !onPostgres && options.database !== false;
    if (reopen) await ctx.db.close();
    const saved = { ...process.env };
    Object.assign(process.env, {
      ...(onPostgres ? { DATABASE_URL: ctx.url! } : { PGLITE_DIR: ctx.config.PGLITE_DIR }),
      PSEUDONYMIZATION_KEY: TEST_KEY,
      LOG_LEVEL: 'silent',
      ...env,
    });
    try {
      return await inProcess(args);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      if (reopen) ctx.db = await openDatabase({ pgliteDir: ctx.config.PGLITE_DIR });
    }
  };
  /** A command that stops before it opens the database (a usage error, a refused setting). */
  const early = (args: string[]) => cli(args, {}, { database: false });

  const signalTables = async () => {
    const dump = async (sql: string) => (await ctx.db.query<{ t: string }>(sql)).rows.map((r) => r.t).join('\n');
    return {
      store: await dump('SELECT t::text AS t FROM pakhuis.signal_store t ORDER BY id'),
      persons: await dump('SELECT t::text AS t FROM pakhuis.signal_persons t ORDER BY signal_id, pseudonym'),
      triage: await dump('SELECT t::text AS t FROM pakhuis.triage t ORDER BY rule_code, subject_key'),
      log: await dump('SELECT t::text AS t FROM pakhuis.triage_log t ORDER BY id'),
      rules: await dump('SELECT t::text AS t FROM pakhuis.rules t ORDER BY code'),
      candidates: await dump('SELECT t::text AS t FROM pakhuis.signal_candidates t'),
    };
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    dir = ctx.dir;
    await writeInbox(ctx.config.INBOX_DIR, { bag: objects, brp: [resident, ...c0Others, ...c1Others, ...rest] });
    const first = await runPipeline(ctx, { trigger: 'test' });
    expect(first.status, first.error).toBe('succeeded');
    signalA = Number(
      (await ctx.db.query<{ id: string }>(`SELECT id FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING' AND subject_key = $1`, [c0.id])).rows[0]!.id,
    );
    await ctx.db.query(`SELECT signals.triage($1, 'vals_positief', 'Verhuizing al verwerkt, zie notitie Buurnaam')`, [signalA]);
    // Run 2: the resident moves from C0 to C1; two of C0's housemates leave the town. C0 is no
    // longer crowded (its signal resolves), C1 becomes so.
    const moved: Person = {
      ...resident,
      stays: [
        { obj: c1, since: day(-10) },
        { obj: c0, since: day(-400) },
      ],
    };
    await writeInbox(ctx.config.INBOX_DIR, { brp: [moved, c0Others[0]!, ...c1Others, ...rest] });
    const second = await runPipeline(ctx, { trigger: 'test' });
    expect(second.status, second.error).toBe('succeeded');
    // Inzage shows what the caller's municipalities hold: here the one of a warehouse without GEMEENTEN.
    await ctx.db.query(`SELECT audit.grant_access('pakhuis_reident', '0000')`);
  });
  afterAll(async () => {
    await ctx?.close().catch(() => {});
  });

  // ------------------------------------------------------------------ spread monitor

  it('counts open signals per PC4 per 1,000 residents against the municipality, and names the planted concentration only', async () => {
    const { rows } = await ctx.db.query<{
      gebied: string;
      open_signalen: number;
      inwoners: number;
      per_1000_inwoners: string;
      gemeente_per_1000_inwoners: string;
    }>(
      `SELECT gebied, open_signalen, inwoners, per_1000_inwoners, gemeente_per_1000_inwoners FROM signals.spreiding WHERE regel = 'OVERBEWONING' ORDER BY gebied`,
    );
    // Residents: 3411 5x4 + 3x2; 3412 C0 1 + C1 4 + 25x2; 3413 2x4 + 25x2; 3414 2x4. Municipality 8 signals on 147.
    expect(rows.map((r) => [r.gebied, r.open_signalen, r.inwoners, Number(r.per_1000_inwoners)])).toEqual([
      ['3411', 5, 26, 192.31],
      ['3412', 1, 55, 18.18],
      ['3414', 2, 8, 250],
    ]);
    expect(Number(rows[0]!.gemeente_per_1000_inwoners)).toBe(54.42);
    const found = await concentrations(ctx.db, ctx.config);
    expect(found.map((c) => [c.regel, c.gebied])).toEqual([['OVERBEWONING', '3411']]);
    // A stricter factor names nothing; a lower minimum names 3414 too.
    expect(await concentrations(ctx.db, { SPREIDING_FACTOR: 4, SPREIDING_MIN: 5 })).toEqual([]);
    expect((await concentrations(ctx.db, { SPREIDING_FACTOR: 3, SPREIDING_MIN: 2 })).map((c) => c.gebied)).toEqual(['3414', '3411']);
  });

  it('names the concentration, with the caution, in the nightly e-mail and in the overleg overview', async () => {
    const { rows } = await ctx.db.query<{ text_body: string; html_body: string }>(
      `SELECT text_body, html_body FROM pakhuis.report_outbox WHERE kind = 'nachtrapport' ORDER BY id DESC LIMIT 1`,
    );
    const text = rows[0]!.text_body;
    expect(text).toContain('Concentraties om te bespreken (meer dan 3 keer het cijfer van de gemeente');
    expect(text).toMatch(
      /- OVERBEWONING in postcodegebied 3411 \(gemeente 0998\): 5 open signalen op 26 ingeschreven bewoners \(192,3 per 1\.000, 3,5 keer het cijfer van de gemeente, 54,4 per 1\.000\)/,
    );
    expect(text).not.toContain('postcodegebied 3414');
    expect(text).toContain('waar de regels aanslaan, niet waar het misgaat');
    expect(rows[0]!.html_body).toContain('postcodegebied 3411');
    const month = (await ctx.db.query<{ m: string }>(`SELECT to_char(current_date, 'YYYY-MM') AS m`)).rows[0]!.m;
    const overleg = await makeOverleg(ctx, { month, out: join(dir, 'out', 'overleg') });
    const html = await readFile(overleg.html, 'utf8');
    expect(html).toContain('OVERBEWONING in postcodegebied 3411');
    expect(html).toContain('waar de regels aanslaan, niet waar het misgaat');
    // The overview of another municipality of the warehouse does not name this one's areas.
    const other = await makeOverleg(ctx, { month, out: join(dir, 'out', 'overleg-0999'), gemeenten: ['0999'] });
    expect(await readFile(other.html, 'utf8')).not.toContain('postcodegebied');
  });

  it('refuses spread settings that make no sense, by name', async () => {
    const { loadConfig } = await import('../lib/config.ts');
    expect(() => loadConfig({ env: { SPREIDING_FACTOR: '0.5', SPREIDING_MIN: '0' }, cwd: dir })).toThrow(
      /SPREIDING_FACTOR.*\n?.*SPREIDING_MIN|SPREIDING_MIN.*SPREIDING_FACTOR/s,
    );
    expect(() => loadConfig({ env: { SPREIDING_FACTR: '3' }, cwd: dir })).toThrow(/SPREIDING_FACTR.*SPREIDING_FACTOR/);
  });

  // ------------------------------------------------------------------ inzage

  it('writes the inzage overview for a resident in two signals, one resolved and judged, naming no one else', async () => {
    const out = join(dir, 'inzage', 'verzoek');
    const result = await cli(['inzage', '--bsn', resident.bsn, '--reason', 'AVG-verzoek 2026-0042', '--out', out]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /inzage geschreven naar .*verzoek\.html en .*verzoek\.json: 2 leveringen, 2 inschrijvingen, 0 zaken, 2 signalen \(deze inzage is vastgelegd\)/,
    );
    const json = JSON.parse(await readFile(`${out}.json`, 'utf8'));
    expect(json.kenmerk).toBe('AVG-verzoek 2026-0042');
    expect(json.persoon).toMatchObject({ geslachtsnaam: 'Inzagevrager' });
    expect(json.leveringen.map((l: { bron: string; geldend: boolean }) => [l.bron, l.geldend])).toEqual([
      ['BRP', false],
      ['BRP', true],
    ]);
    expect(
      json.inschrijvingen.map((i: { verblijfsobject_id: string; tot: string | null; andere_ingeschrevenen: number | null }) => [
        i.verblijfsobject_id,
        i.tot === null,
        i.andere_ingeschrevenen,
      ]),
    ).toEqual([
      [c1.id, true, 3],
      [c0.id, false, null],
    ]);
    const signals = json.signalen as {
      signaal: number;
      regel: string;
      norm: string;
      uitleg: string;
      status: string;
      oordeel_in_woorden: string;
      andere_personen: number;
      bewaard_tot: string;
      titel: string;
    }[];
    expect(signals.map((s) => [s.regel, s.status, s.oordeel_in_woorden, s.andere_personen])).toEqual([
      ['OVERBEWONING', 'resolved', 'beoordeeld: geen aanwijzing (vals positief)', 3],
      ['OVERBEWONING', 'open', 'nog niet beoordeeld', 3],
    ]);
    expect(signals[0]!.signaal).toBe(signalA);
    expect(signals[0]!.bewaard_tot).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(signals[1]!.bewaard_tot).toBe('zolang het signaal open is; daarna 12 maanden');
    expect(signals[1]!.norm).toContain('Bouwbesluit 2012 art. 7.18');
    expect(signals[1]!.uitleg).toContain('4 personen ingeschreven op 40 m2');
    const html = await readFile(`${out}.html`, 'utf8');
    for (const text of [json, html].map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))) {
      // No one else: no other name, BSN or pseudonym, and not the triage note (free text).
      for (const p of everyoneElse) {
        expect(text).not.toContain(p.naam);
        expect(text).not.toContain(p.bsn);
      }
      expect(text).not.toMatch(/[0-9a-f]{64}/);
      expect(text).not.toContain(resident.bsn);
      expect(text).not.toContain('Verhuizing al verwerkt');
    }
    expect(html).toContain('<h1>Inzage in uw gegevens (artikel 15 AVG)</h1>');
    const { rows } = await ctx.db.query<{ outcome: string; items_shown: number; pseudonym: string }>(
      'SELECT outcome, items_shown, pseudonym FROM audit.inzage ORDER BY id',
    );
    expect(json.historie.map((h: { verblijfsobject_id: string; tot: string | null }) => [h.verblijfsobject_id, h.tot === null])).toEqual([
      [c1.id, true],
      [c0.id, false],
    ]);
    expect(rows).toEqual([{ outcome: 'getoond', items_shown: 8, pseudonym: ctx.pseudonymizer.pseudonymise(resident.bsn) }]);
  });

  it('refuses inzage without a reason, with an invalid BSN, and records the refusals it can', async () => {
    const missing = await early(['inzage', '--bsn', resident.bsn, '--out', join(dir, 'x.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^pakhuis inzage: --bsn, --reason of --out ontbreekt\n/);
    const short = await cli(['inzage', '--bsn', resident.bsn, '--reason', '  \u200b kort  ', '--out', join(dir, 'x.json')]);
    expect(short.code).toBe(1);
    expect(short.err).toBe(
      'pakhuis inzage: inzage vraagt een reden (het kenmerk van het verzoek) van ten minste 10 zichtbare tekens (deze geweigerde inzage is vastgelegd)\n',
    );
    const wrong = await early(['inzage', '--bsn', '123456789', '--reason', 'AVG-verzoek 2026-0043', '--out', join(dir, 'x.json')]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^pakhuis inzage: --bsn is geen geldig BSN \(BSN voldoet niet aan de 11-proef\)\n/);
    expect(wrong.err).not.toContain('123456789');
    // Under another key the pseudonym would match no one: refused, never "nothing about you".
    const otherKey = await cli(['inzage', '--bsn', resident.bsn, '--reason', 'AVG-verzoek 2026-0043', '--out', join(dir, 'x.json')], {
      PSEUDONYMIZATION_KEY: `${TEST_KEY}-anders`,
    });
    expect(otherKey.code).toBe(1);
    expect(otherKey.err).toBe(
      'pakhuis inzage: de sleutel is niet de sleutel waarmee versie 1 is gebruikt: met deze sleutel zou de inzage niemand vinden (deze geweigerde inzage is vastgelegd)\n',
    );
    const { rows } = await ctx.db.query<{ outcome: string; refusal: string | null }>('SELECT outcome, refusal FROM audit.inzage ORDER BY id');
    expect(rows.map((r) => r.outcome)).toEqual(['getoond', 'geweigerd', 'geweigerd']);
  });

  it('is for the re-identification role only', async () => {
    const pseudonym = ctx.pseudonymizer.pseudonymise(resident.bsn);
    if (!onPostgres) {
      // One session: the function under each role.
      for (const role of ['pakhuis_analyst', 'pakhuis_etl', 'pakhuis_reident']) {
        const outcome = await ctx.db
          .transaction(async (tx) => {
            await tx.exec(`SET LOCAL ROLE ${role}`);
            return (
              await tx.query<{ r: { signalen: unknown[] } }>(`SELECT reident.inzage($1, 1, $2, 'AVG-verzoek 2026-0044') AS r`, [
                pseudonym,
                ctx.pseudonymizer.checkValue,
              ])
            ).rows[0]!.r.signalen.length;
          })
          .catch((error: unknown) => sqlState(error));
        expect(outcome, role).toBe(role === 'pakhuis_reident' ? 2 : '42501');
      }
      return;
    }
    const admin = new pg.Client({ connectionString: withUser(ctx.url!) });
    await admin.connect();
    const logins: string[] = [];
    try {
      for (const role of ['pakhuis_analyst', 'pakhuis_etl', 'pakhuis_reident']) {
        const login = `${role.replace('pakhuis_', 'pakhuis_v_')}_${process.pid}`;
        await admin.query(`DROP ROLE IF EXISTS ${login}; CREATE ROLE ${login} LOGIN IN ROLE ${role}`);
        logins.push(login);
        const url = new URL(ctx.url!);
        url.username = login;
        const result = await cli(['inzage', '--bsn', resident.bsn, '--reason', 'AVG-verzoek 2026-0044', '--out', join(dir, `${role}.json`)], {
          DATABASE_URL: url.toString(),
        });
        if (role === 'pakhuis_reident') {
          expect(result.code, result.err).toBe(0);
          expect(result.out).toContain('2 signalen');
        } else {
          expect(result.code, role).toBe(1);
          expect(result.err, role).toMatch(
            /^pakhuis inzage: geen toestemming: inzage vraagt de rol pakhuis_reident \(permission denied for schema reident\)\n$/,
          );
        }
      }
    } finally {
      for (const login of logins) await admin.query(`DROP ROLE IF EXISTS ${login}`).catch(() => {});
      await admin.end();
    }
  });

  // ------------------------------------------------------------------ DPIA appendix

  it('declares beside each rule exactly what its SQL reads, from relations whose source is known', async () => {
    const columns: Record<string, string[]> = {};
    const { rows } = await ctx.db.query<{ r: string; c: string }>(
      `SELECT table_schema || '.' || table_name AS r, column_name AS c FROM information_schema.columns WHERE table_schema = 'model' ORDER BY ordinal_position`,
    );
    for (const row of rows) (columns[row.r] ??= []).push(row.c);
    columns['model.bewoning_telling'] = columns['model.bewoning']!;
    columns.signal_candidates = ['rule_code', 'subject_key', 'verblijfsobject_id', 'severity', 'score', 'evidence', 'explanation', 'rule_version', 'persons'];
    for (const rule of RULES) {
      // Every model relation named outside comments must be one whose source is declared.
      const named = [...new Set(rule.sql.replace(/--[^\n]*/g, '').match(/\bmodel\.[a-z_]+/g) ?? [])];
      for (const relation of named) expect(Object.keys(MODEL_SOURCES), `${rule.code} reads ${relation}`).toContain(relation);
      expect(Object.keys(rule.reads).sort(), rule.code).toEqual(relationsIn(rule.sql).sort());
      const derived = columnsIn(rule.sql, columns);
      for (const [relation, declared] of Object.entries(rule.reads)) {
        expect([...declared].sort(), `${rule.code} ${relation}`).toEqual(derived[relation as keyof typeof derived]);
        // The DPIA appendix says what each column is, in the source's words.
        for (const column of declared) expect(FIELD_LABELS[relation as keyof typeof FIELD_LABELS], `${relation}.${column}`).toHaveProperty([column]);
      }
    }
  });

  it('names for each model table the sources the transform scripts that fill it read', async () => {
    const transforms = await loadTransforms();
    for (const [relation, sources] of Object.entries(MODEL_SOURCES)) {
      if (!relation.startsWith('model.') || relation === 'model.bewoning_telling') continue;
      const filling = transforms.filter((t) => t.header.builds.some((b) => b.relation === relation));
      expect(filling.length, relation).toBeGreaterThan(0);
      // Every script's own source is named, and nothing a filling script does not follow.
      for (const script of filling) for (const own of script.requires) expect(sources, `${relation} from ${script.file}`).toContain(own);
      for (const source of sources)
        expect(
          filling.flatMap((f) => f.triggers),
          relation,
        ).toContain(source);
    }
  });

  it('writes the DPIA appendix in Markdown and HTML with the figures of the last twelve months', async () => {
    const result = await cli(['dpia', '--out', join(dir, 'dpia', 'bijlage')]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^DPIA-bijlage over 11 regels geschreven naar .*bijlage\.html en .*bijlage\.md\n$/);
    const md = await readFile(join(dir, 'dpia', 'bijlage.md'), 'utf8');
    for (const rule of RULES) expect(md).toContain(`## ${rule.code}: ${rule.title}`);
    const section = md.slice(md.indexOf('## OVERBEWONING'), md.indexOf('## GEEN_WOONFUNCTIE'));
    expect(section).toContain(
      '| BAG | gebruiksdoelen; gebruiksoppervlakte; status van het object; identificatie van het verblijfsobject | `model.verblijfsobject`: gebruiksdoelen, oppervlakte, status, verblijfsobject_id |',
    );
    expect(section).toContain('| vergunningen + BAG | geldig tot; datum verleend; status (verleend, aangevraagd, geweigerd, ...); soort vergunning;');
    expect(section).toContain('die personen (alleen als pseudoniem)');
    expect(section).toContain('parameters** normM2 = 12; minPersonen = 2');
    expect(section).toContain('heridentificatie (rol pakhuis_reident)');
    // Ten OVERBEWONING signals were ever opened this month (eight open, C0 resolved, and none
    // other); one is judged vals positief.
    const opened = Number((await ctx.db.query<{ n: string }>(`SELECT count(*) AS n FROM pakhuis.signal_store WHERE rule_code = 'OVERBEWONING'`)).rows[0]!.n);
    expect(opened).toBe(9);
    expect(section).toContain(`**Cijfers van de laatste 12 maanden.** 9 nieuwe signalen; vals positief 11%; afgehandeld 0%.`);
    const counts = section.trim().split('\n').at(-1)!;
    expect(counts).toMatch(/^\| (0 \| ){11}9 \|$/);
    const html = await readFile(join(dir, 'dpia', 'bijlage.html'), 'utf8');
    expect(html).toContain('<h2 class="first">OVERBEWONING: ');
    expect(html).not.toMatch(/[0-9a-f]{64}/);
    if (UPDATE_DOCS) {
      await cli(['dpia', '--out', docs('dpia-voorbeeld.md')]);
    }
  });

  // ------------------------------------------------------------------ rules try

  it('tries a rule change on the model without touching a signal, a judgement or the register', async () => {
    const before = await signalTables();
    const result = await cli(['rules', 'try', 'RULE_OVERBEWONING__NORM_M2=15']);
    expect(result.code, result.err).toBe(0);
    const lines = result.out.split('\n');
    const head = lines.findIndex((l) => l.startsWith('OVERBEWONING ('));
    expect(lines[head]).toMatch(/^OVERBEWONING \(normM2 12 → 15; versie [0-9a-f]{12} → [0-9a-f]{12}\): 8 → 10 signalen$/);
    expect(lines[head + 1]).toMatch(/^ {2}erbij: 2, bijvoorbeeld Proefstraat \d+ 3413XY Proefdorp; Proefstraat \d+ 3413XY Proefdorp$/);
    // 28 m2 for four is 7 m2 each: under half of 15, so hoog; C1 (10 m2 each) stays midden.
    expect(lines[head + 2]).toMatch(/^ {2}andere ernst: 7, bijvoorbeeld Proefstraat \d+ 341[14]XY Proefdorp \(midden → hoog\)/);
    expect(lines).toContain('GEEN_WOONFUNCTIE: geen verschil (0 signalen)');
    expect(await signalTables()).toEqual(before);
    const disappearing = await tryRules(ctx.db, ruleVariants(ctx.config, { OVERBEWONING: { normM2: '6' } }));
    expect(disappearing.find((d) => d.code === 'OVERBEWONING')!.counts).toEqual({ appear: 0, disappear: 8, severity: 0 });
    expect(await signalTables()).toEqual(before);
  });

  it('refuses an unknown rule, parameter or value in Dutch, with a suggestion', async () => {
    const rule = await early(['rules', 'try', 'RULE_OVERBEWONNG__NORM_M2=15']);
    expect(rule).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^pakhuis rules: onbekende regel OVERBEWONNG \(bedoelde u OVERBEWONING\?\)|^pakhuis rules: onbekende regel OVERBEWONNG/),
    });
    const param = await early(['rules', 'try', 'RULE_OVERBEWONING__NORM=15']);
    expect(param.code).toBe(2);
    expect(param.err).toMatch(/^pakhuis rules: regel OVERBEWONING heeft geen parameter NORM/);
    const form = await early(['rules', 'try', 'normM2=15']);
    expect(form.code).toBe(2);
    const value = await early(['rules', 'try', 'RULE_OVERBEWONING__NORM_M2=-3']);
    expect(value.code).toBe(1);
    expect(value.err).toMatch(/^pakhuis rules: regel OVERBEWONING: ongeldige parameterwaarde \(.*normM2/);
  });

  // ------------------------------------------------------------------ pictures

  it('renders the inzage overview and the DPIA appendix in a real browser', async () => {
    if (!hasChromium) return void console.warn('chromium not installed: the pages were not rendered (apt-get install chromium)');
    await withBrowser(async (browser) => {
      for (const [file, title, png] of [
        [join(dir, 'inzage', 'verzoek.html'), /^Inzage: /, 'inzage-overzicht.png'],
        [join(dir, 'dpia', 'bijlage.html'), /^DPIA-bijlage/, 'dpia-bijlage.png'],
      ] as const) {
        const page = await browser.newPage();
        await page.goto(`file://${file}`);
        expect(await page.title()).toMatch(title);
        expect(await page.locator('h2').count()).toBeGreaterThan(3);
        const shot = await page.screenshot({ path: join(dir, png), clip: { x: 0, y: 0, width: 1280, height: 900 } });
        expect(shot.subarray(1, 4).toString()).toBe('PNG');
        if (UPDATE_DOCS) await copyFile(join(dir, png), docs(png));
        await page.close();
      }
    });
  });
});
