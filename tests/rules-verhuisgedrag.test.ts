import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import doorgangsadres from '../rules/doorgangsadres.ts';
import { resolveRule } from '../rules/rule.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, persons, vbo, writeFileIn, type TestPerson, type TestVbo } from './helpers/files.ts';

// The run counts moves up to this date (parameter peildatum), so the test does not depend on today.
// Its window is 2023-06-30 (exclusive) .. 2024-06-30.
const PEILDATUM = '2024-06-30';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

// DOORGANGSADRES
const doorgang = vbo(401, 140);
const bijnaDoorgang = vbo(402, 140);
const langGeleden = vbo(403, 300);
const zelfdeObject = vbo(404, 300);
const zorghuis = vbo(405, 900, { doelen: 'gezondheidszorgfunctie' });
const duiventil = vbo(406, 400);
const vandaag = vbo(407, 200);
const elders = vbo(490, 80); // outside the municipality: not in the BAG file
const nieuwThuis = (n: number) => vbo(500 + n, 90);
// BRIEFADRES_CLUSTER
const brieven = vbo(601, 120);
const bijnaBrieven = vbo(602, 120);
const opvang = vbo(603, 400);
const veelBrieven = vbo(604, 120);
const oudeBrieven = vbo(605, 120);
const woning = vbo(606, 300);

/** Moved in on `since` from an address outside the municipality. */
const ingekomen = (n: number, v: TestVbo, since: string): TestPerson[] =>
  Array.from({ length: n }, () => ({ vbo: v, since, history: [{ vbo: elders, since: '01-01-2015', byAddress: true }] }));

/** Lived on `v` since 2019 and moved to a home of their own on `moved`. */
let homes = 0;
const vertrokken = (n: number, v: TestVbo, moved: string): TestPerson[] =>
  Array.from({ length: n }, () => ({ vbo: nieuwThuis(homes++), since: moved, history: [{ vbo: v, since: '01-05-2019' }] }));

const BRP: TestPerson[] = [
  // 4 in + 3 out within the window, and one resident who stayed.
  ...ingekomen(4, doorgang, '15-01-2024'),
  ...vertrokken(3, doorgang, '01-03-2024'),
  { vbo: doorgang, since: '01-01-2010' },
  // 3 in + 2 out = 5, one under the threshold; one more moved in on the day the window opens, which is outside it.
  ...ingekomen(3, bijnaDoorgang, '15-01-2024'),
  ...vertrokken(2, bijnaDoorgang, '01-03-2024'),
  ...ingekomen(1, bijnaDoorgang, '30-06-2023'),
  // 8 moved in two years before the peildatum.
  ...ingekomen(8, langGeleden, '01-03-2022'),
  // 6 persons got a new adreshouding on the object they already lived on (a correction): no moves.
  ...persons(6, zelfdeObject, { since: '01-02-2024', history: [{ vbo: zelfdeObject, since: '01-01-2012' }] }),
  // A care home with 8 new residents is exempt.
  ...ingekomen(8, zorghuis, '01-04-2024'),
  // 12 in: hoog.
  ...ingekomen(12, duiventil, '01-02-2024'),
  // 6 in a month before today: after the peildatum, so only the default window (today) sees them.
  ...ingekomen(6, vandaag, daysAgo(30)),

  ...persons(5, brieven, { functie: 'B' }),
  { vbo: brieven },
  ...persons(4, bijnaBrieven, { functie: 'B' }),
  ...persons(8, opvang, { functie: 'B' }),
  ...persons(10, veelBrieven, { functie: 'B' }),
  ...persons(4, oudeBrieven, { functie: 'B' }),
  ...persons(2, woning, { since: '01-02-2023', history: [{ vbo: oudeBrieven, since: '01-01-2021', functie: 'B' }] }),
];

const BAG: TestVbo[] = [
  doorgang,
  bijnaDoorgang,
  langGeleden,
  zelfdeObject,
  zorghuis,
  duiventil,
  vandaag,
  ...Array.from({ length: homes }, (_, i) => nieuwThuis(i)),
  brieven,
  bijnaBrieven,
  opvang,
  veelBrieven,
  oudeBrieven,
  woning,
];

interface SignalRow {
  rule_code: string;
  subject_key: string;
  severity: string;
  score: string;
  evidence: Record<string, unknown>;
  explanation: string;
}

describe('rules on moves and mail addresses: DOORGANGSADRES, BRIEFADRES_CLUSTER', () => {
  let ctx: TestContext;
  let run: RunSummary;
  let signals: SignalRow[];
  const of = (code: string) =>
    signals
      .filter((s) => s.rule_code === code)
      .map((s) => s.subject_key)
      .sort();
  const on = (code: string, key: string) => signals.find((s) => s.rule_code === code && s.subject_key === key);

  beforeAll(async () => {
    ctx = await createTestContext({
      rules: {
        DOORGANGSADRES: { peildatum: PEILDATUM },
        BRIEFADRES_CLUSTER: { uitgezonderdeObjecten: [opvang.id] },
      },
    });
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv(BAG));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(BRP));
    run = await runPipeline(ctx, { trigger: 'test' });
    signals = (
      await ctx.db.query<SignalRow>(`SELECT rule_code, subject_key, severity, score::text, evidence, explanation FROM pakhuis.signals WHERE status = 'open'`)
    ).rows;
  });
  afterAll(async () => ctx?.close());

  it('loads history rows and derives the end of each earlier registration from the next one', async () => {
    expect(run.status).toBe('succeeded');
    expect(run.files.map((f) => [f.source, f.rowsRejected])).toEqual([
      ['bag', 0],
      ['brp', 0],
    ]);
    const { rows } = await ctx.db.query<{ geldig_van: string; geldig_tot: string }>(
      `SELECT geldig_van::text, geldig_tot::text FROM model.inschrijving WHERE verblijfsobject_id = $1 AND geldig_tot IS NOT NULL`,
      [doorgang.id],
    );
    expect(rows).toEqual(Array(3).fill({ geldig_van: '2019-05-01', geldig_tot: '2024-03-01' }));
  });

  it('raises no other signals on these addresses', () => {
    expect([...new Set(signals.map((s) => s.rule_code))].sort()).toEqual(['BRIEFADRES_CLUSTER', 'DOORGANGSADRES']);
  });

  describe('DOORGANGSADRES', () => {
    it('flags an object where 7 different persons moved in or out within 12 months of the peildatum', () => {
      expect(of('DOORGANGSADRES')).toEqual([doorgang.id, duiventil.id]);
      expect(on('DOORGANGSADRES', doorgang.id)).toMatchObject({
        severity: 'midden',
        score: '7',
        evidence: {
          personen: 7,
          ingekomen: 4,
          vertrokken: 3,
          huidige_bewoners: 5,
          venster_van: '2023-06-30',
          venster_tot: '2024-06-30',
          maanden: 12,
          parameters: { peildatum: PEILDATUM, minPersonen: 6, maanden: 12 },
        },
        explanation:
          '7 verschillende personen schreven zich hier in of uit tussen 30-06-2023 en 30-06-2024 (4 ingekomen, 3 vertrokken); nu wonen er 5. De drempel is 6 personen in 12 maanden.',
      });
    });

    it('rates 12 persons or more as hoog', () => {
      expect(on('DOORGANGSADRES', duiventil.id)).toMatchObject({ severity: 'hoog', score: '12', evidence: { ingekomen: 12, vertrokken: 0 } });
    });

    it('stays quiet one person under the threshold, for moves before the window and for a new adreshouding on the same object', () => {
      for (const quiet of [bijnaDoorgang, langGeleden, zelfdeObject]) expect(on('DOORGANGSADRES', quiet.id), quiet.id).toBeUndefined();
    });

    it('exempts care homes', () => {
      expect(on('DOORGANGSADRES', zorghuis.id)).toBeUndefined();
    });

    it('counts back from today when no peildatum is set', async () => {
      const rule = resolveRule(doorgangsadres);
      const { rows } = await ctx.db.query<{ subject_key: string; score: string }>(`SELECT subject_key, score::text FROM (${rule.boundSql}) c`, rule.values);
      expect(rows).toEqual([{ subject_key: vandaag.id, score: '6' }]);
    });
  });

  describe('BRIEFADRES_CLUSTER', () => {
    it('flags five briefadressen on one object', () => {
      expect(of('BRIEFADRES_CLUSTER')).toEqual([brieven.id, veelBrieven.id]);
      expect(on('BRIEFADRES_CLUSTER', brieven.id)).toMatchObject({
        severity: 'midden',
        score: '5',
        evidence: { briefadressen: 5, woonadressen: 1, gekoppeld: { verblijfsobject_id: 3, nummeraanduiding: 0, adres: 2 } },
        explanation:
          '5 personen hebben hier een briefadres (en 1 een woonadres); de drempel is 5 briefadressen op één object. ' +
          '2 van hen zijn alleen op postcode en huisnummer aan dit object gekoppeld (de BAG-identificatie ontbreekt of staat niet in de BAG).',
      });
    });

    it('rates ten or more as hoog', () => {
      expect(on('BRIEFADRES_CLUSTER', veelBrieven.id)).toMatchObject({ severity: 'hoog', score: '10' });
    });

    it('stays quiet at four, counting only current briefadressen, and for an exempt briefadresgever', () => {
      for (const quiet of [bijnaBrieven, oudeBrieven, opvang]) expect(on('BRIEFADRES_CLUSTER', quiet.id), quiet.id).toBeUndefined();
    });

    it('publishes the exemption list with the rule', async () => {
      const { rows } = await ctx.db.query<{ parameters: Record<string, unknown> }>(`SELECT parameters FROM signals.rules WHERE code = 'BRIEFADRES_CLUSTER'`);
      expect(rows[0]!.parameters).toEqual({ minBriefadressen: 5, hoogVanafBriefadressen: 10, uitgezonderdeObjecten: [opvang.id] });
    });
  });
});
