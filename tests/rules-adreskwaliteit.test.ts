import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { RULES } from '../rules/index.ts';
import { resolveRule } from '../rules/rule.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, ligplaats, persons, vbo, writeFileIn, type TestPerson, type TestVbo } from './helpers/files.ts';

/** An ISO date `months` months before today: the grace period for 'gevormd' runs on current_date. */
const monthsAgo = (months: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
};

// One database, one run: every scenario sits at its own address.
// GEEN_WOONFUNCTIE
const kantoor = vbo(101, 200, { doelen: 'kantoorfunctie' });
const winkel = vbo(102, 300, { doelen: 'winkelfunctie' });
const kantoorBrief = vbo(103, 200, { doelen: 'kantoorfunctie' });
const winkelWoning = vbo(104, 150, { doelen: 'winkelfunctie,woonfunctie' });
const zorg = vbo(105, 900, { doelen: 'gezondheidszorgfunctie' });
const boot = ligplaats(106);
const oudKantoor = vbo(107, 200, { doelen: 'kantoorfunctie' });
const woning = vbo(108, 300);
// OBJECT_NIET_IN_GEBRUIK
const ingetrokken = vbo(201, 80, { status: 'Verblijfsobject ingetrokken' });
const nietGerealiseerd = vbo(202, 80, { status: 'Niet gerealiseerd verblijfsobject' });
const buitenGebruik = vbo(203, 200, { status: 'Verblijfsobject buiten gebruik' });
const tenOnrechte = vbo(204, 80, { status: 'Verblijfsobject ten onrechte opgevoerd' });
const verbouwing = vbo(205, 80, { status: 'Verbouwing verblijfsobject' });
const nietIngemeten = vbo(206, 80, { status: 'Verblijfsobject in gebruik (niet ingemeten)' });
const gevormdLang = vbo(207, 80, { status: 'Verblijfsobject gevormd' });
const gevormdNet = vbo(208, 80, { status: 'Verblijfsobject gevormd' });
const bootWeg = ligplaats(209, { status: 'Plaats ingetrokken' });
// ADRES_ONBEKEND: objects that are deliberately left out of the BAG file
const nergens = vbo(301, 80);
const nergensVol = vbo(302, 80);
const alleenId = vbo(303, 80);
const vroegerNergens = vbo(304, 80);

const BAG: TestVbo[] = [
  kantoor,
  winkel,
  kantoorBrief,
  winkelWoning,
  zorg,
  boot,
  oudKantoor,
  woning,
  ingetrokken,
  nietGerealiseerd,
  buitenGebruik,
  tenOnrechte,
  verbouwing,
  nietIngemeten,
  gevormdLang,
  gevormdNet,
  bootWeg,
];

const BRP: TestPerson[] = [
  ...persons(2, kantoor),
  ...persons(4, winkel),
  ...persons(3, kantoorBrief, { functie: 'B' }),
  ...persons(2, winkelWoning),
  ...persons(6, zorg),
  ...persons(2, boot),
  { vbo: woning, since: '01-03-2021', history: [{ vbo: oudKantoor, since: '01-01-2015' }] },

  ...persons(1, ingetrokken),
  { vbo: nietGerealiseerd },
  { vbo: nietGerealiseerd, functie: 'B', byAddress: true },
  ...persons(4, buitenGebruik),
  { vbo: tenOnrechte, functie: 'B' },
  ...persons(2, verbouwing),
  ...persons(2, nietIngemeten),
  { vbo: gevormdLang, since: monthsAgo(24) },
  ...persons(2, gevormdNet, { since: monthsAgo(1) }),
  { vbo: bootWeg },

  ...persons(2, nergens, { byAddress: true }),
  { vbo: nergens, functie: 'B', byAddress: true },
  { vbo: nergens },
  ...persons(5, nergensVol, { byAddress: true }),
  { vbo: alleenId, idsOnly: true },
  { vbo: woning, since: '01-06-2022', history: [{ vbo: vroegerNergens, since: '01-01-2018', byAddress: true }] },
];

interface SignalRow {
  rule_code: string;
  subject_key: string;
  verblijfsobject_id: string | null;
  severity: string;
  score: string;
  evidence: Record<string, unknown>;
  explanation: string;
}

describe('rules on address quality: GEEN_WOONFUNCTIE, OBJECT_NIET_IN_GEBRUIK, ADRES_ONBEKEND', () => {
  let ctx: TestContext;
  let run: RunSummary;
  let signals: SignalRow[];
  const of = (code: string) => signals.filter((s) => s.rule_code === code);
  const on = (code: string, key: string) => signals.find((s) => s.rule_code === code && s.subject_key === key);

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv(BAG));
    await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', 'brp.csv'), brpCsv(BRP));
    run = await runPipeline(ctx, { trigger: 'test' });
    signals = (
      await ctx.db.query<SignalRow>(
        `SELECT rule_code, subject_key, verblijfsobject_id, severity, score::text, evidence, explanation
         FROM pakhuis.signals WHERE status = 'open' ORDER BY rule_code, subject_key`,
      )
    ).rows;
  });
  afterAll(async () => ctx?.close());

  it('loads every row and publishes every rule', async () => {
    expect(run.status).toBe('succeeded');
    expect(run.files.map((f) => [f.source, f.rowsRejected])).toEqual([
      ['bag', 0],
      ['brp', 0],
    ]);
    const { rows } = await ctx.db.query<{ code: string }>('SELECT code FROM signals.rules ORDER BY code');
    expect(rows.map((r) => r.code)).toEqual(RULES.map((r) => r.code).sort());
  });

  describe('GEEN_WOONFUNCTIE', () => {
    it('flags woonadressen on objects without woonfunctie, and nothing else', () => {
      expect(
        of('GEEN_WOONFUNCTIE')
          .map((s) => s.subject_key)
          .sort(),
      ).toEqual([kantoor.id, winkel.id]);
      expect(on('GEEN_WOONFUNCTIE', kantoor.id)).toMatchObject({
        verblijfsobject_id: kantoor.id,
        severity: 'midden',
        score: '2',
        evidence: {
          personen: 2,
          gebruiksdoelen: ['kantoorfunctie'],
          bag_status: 'Verblijfsobject in gebruik',
          regel: 'GEEN_WOONFUNCTIE',
          // persons() registers every other person by address only.
          gekoppeld: { verblijfsobject_id: 1, nummeraanduiding: 0, adres: 1 },
          met_onbekende_aanvangsdatum: 0,
        },
        explanation:
          '2 personen staan met een woonadres ingeschreven op een verblijfsobject zonder woonfunctie (gebruiksdoel volgens de BAG: kantoorfunctie). ' +
          '1 van hen is alleen op postcode en huisnummer aan dit object gekoppeld (de BAG-identificatie ontbreekt of staat niet in de BAG).',
      });
    });

    it('rates four persons or more as hoog', () => {
      expect(on('GEEN_WOONFUNCTIE', winkel.id)).toMatchObject({ severity: 'hoog', score: '4' });
    });

    it('leaves briefadressen, mixed use, care homes, ligplaatsen and former registrations alone', () => {
      for (const quiet of [kantoorBrief, winkelWoning, zorg, boot, oudKantoor]) {
        expect(on('GEEN_WOONFUNCTIE', quiet.id), quiet.id).toBeUndefined();
      }
    });
  });

  describe('OBJECT_NIET_IN_GEBRUIK', () => {
    it('flags registrations on objects whose BAG status is not in use', () => {
      expect(
        of('OBJECT_NIET_IN_GEBRUIK')
          .map((s) => s.subject_key)
          .sort(),
      ).toEqual([ingetrokken.id, nietGerealiseerd.id, buitenGebruik.id, tenOnrechte.id, gevormdLang.id, bootWeg.id].sort());
      expect(on('OBJECT_NIET_IN_GEBRUIK', nietGerealiseerd.id)).toMatchObject({
        severity: 'midden',
        score: '2',
        evidence: {
          personen: 2,
          woonadressen: 1,
          briefadressen: 1,
          bag_status: 'Niet gerealiseerd verblijfsobject',
          gekoppeld: { verblijfsobject_id: 1, nummeraanduiding: 0, adres: 1 },
        },
        explanation:
          '2 personen staan ingeschreven (woonadres: 1, briefadres: 1) op een verblijfsobject met BAG-status "Niet gerealiseerd verblijfsobject". ' +
          '1 van hen is alleen op postcode en huisnummer aan dit object gekoppeld (de BAG-identificatie ontbreekt of staat niet in de BAG).',
      });
      expect(on('OBJECT_NIET_IN_GEBRUIK', tenOnrechte.id)).toMatchObject({ evidence: { woonadressen: 0, briefadressen: 1 } });
      expect(on('OBJECT_NIET_IN_GEBRUIK', buitenGebruik.id)).toMatchObject({ severity: 'hoog', score: '4' });
      expect(on('OBJECT_NIET_IN_GEBRUIK', bootWeg.id)).toMatchObject({ evidence: { bag_status: 'Plaats ingetrokken' } });
    });

    it('rates an object still being built (gevormd) as laag, and gives new residents there a grace period', () => {
      expect(on('OBJECT_NIET_IN_GEBRUIK', gevormdLang.id)).toMatchObject({ severity: 'laag', score: '1' });
      expect(on('OBJECT_NIET_IN_GEBRUIK', gevormdNet.id)).toBeUndefined();
    });

    it('does not flag objects under renovation or in use but not yet measured', () => {
      expect(on('OBJECT_NIET_IN_GEBRUIK', verbouwing.id)).toBeUndefined();
      expect(on('OBJECT_NIET_IN_GEBRUIK', nietIngemeten.id)).toBeUndefined();
    });
  });

  describe('ADRES_ONBEKEND', () => {
    const key = (v: TestVbo) => `${v.postcode}|${v.huisnummer}||`;

    it('gives one signal per unknown address, counting persons matched by address and by unknown ids alike', () => {
      expect(
        of('ADRES_ONBEKEND')
          .map((s) => s.subject_key)
          .sort(),
      ).toEqual([key(nergens), key(nergensVol), `verblijfsobject:${alleenId.id}`].sort());
      expect(on('ADRES_ONBEKEND', key(nergens))).toMatchObject({
        verblijfsobject_id: null,
        severity: 'midden',
        score: '4',
        evidence: {
          adres: `${nergens.postcode} ${nergens.huisnummer}`,
          personen: 4,
          woonadressen: 3,
          briefadressen: 1,
          vermeldingen_andere_registers: 0,
          nummeraanduiding_ids: [`099920${String(301).padStart(10, '0')}`],
          nummeraanduiding_in_bag_zonder_object: false,
        },
        explanation: `4 personen staan ingeschreven (woonadres: 3, briefadres: 1) op ${nergens.postcode} ${nergens.huisnummer}, een adres dat niet in de BAG voorkomt.`,
      });
    });

    it('rates five persons or more as hoog', () => {
      expect(on('ADRES_ONBEKEND', key(nergensVol))).toMatchObject({ severity: 'hoog', score: '5' });
      expect(on('ADRES_ONBEKEND', key(nergens))).toMatchObject({ severity: 'midden' });
    });

    it('names the address by the verblijfsobject id when the BRP gave nothing else', () => {
      expect(on('ADRES_ONBEKEND', `verblijfsobject:${alleenId.id}`)).toMatchObject({
        score: '1',
        evidence: { personen: 1, opgegeven_verblijfsobject_ids: [alleenId.id], nummeraanduiding_ids: [] },
        explanation: `1 persoon staat ingeschreven (woonadres: 1, briefadres: 0) op verblijfsobject ${alleenId.id}, een adres dat niet in de BAG voorkomt.`,
      });
    });

    it('ignores an unknown address someone lived at before', () => {
      expect(signals.some((s) => s.subject_key.startsWith(`${vroegerNergens.postcode}|`))).toBe(false);
    });
  });

  it('puts only counts and BAG facts in the evidence: no names, BSNs or pseudonyms', async () => {
    const { rows } = await ctx.db.query<{ pseudonym: string }>('SELECT pseudonym FROM model.persoon');
    const text = JSON.stringify(signals);
    expect(text).not.toContain('Testpersoon');
    expect(text).not.toMatch(/(?<!\d)\d{9}(?!\d)/);
    for (const { pseudonym } of rows) expect(text).not.toContain(pseudonym);
  });

  it('reports an unknown address with the address in its explanation, as it has no BAG object to show', async () => {
    expect(run.reportRows).toBe(signals.length);
    const csv = await readFile(run.reportPath!, 'utf8');
    const line = csv.split('\r\n').find((l) => l.includes(';ADRES_ONBEKEND;') && l.includes(`${nergensVol.postcode} ${nergensVol.huisnummer}`));
    expect(line).toBeDefined();
  });

  it('keeps each rule version stable from day to day: no parameter depends on the date', () => {
    for (const rule of RULES) expect(resolveRule(rule).version).toBe(resolveRule(rule, {}).version);
    const doorgang = RULES.find((r) => r.code === 'DOORGANGSADRES')!;
    expect(resolveRule(doorgang).params.peildatum).toBeNull();
  });
});
