import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rule from '../rules/horeca-geen-passende-functie.ts';
import { resolveRule } from '../rules/rule.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, obj, writeInbox } from './helpers/registers.ts';

interface Signal {
  subject_key: string;
  verblijfsobject_id: string;
  severity: string;
  evidence: Record<string, any>;
  explanation: string;
}

describe('HORECA_GEEN_PASSENDE_FUNCTIE: horeca or alcohol permit on an object without a fitting use', () => {
  let ctx: TestContext;
  const house = obj(30, 'woonfunctie');
  const office = obj(31, 'kantoorfunctie');
  const mixed = obj(32, 'woonfunctie,winkelfunctie');
  const hall = obj(33, 'bijeenkomstfunctie');
  const house2 = obj(34, 'woonfunctie');
  const house3 = obj(35, 'woonfunctie');

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [house, office, mixed, hall, house2, house3],
      permits: [
        { zaak: 'H-1', type: 'Exploitatievergunning', obj: house, kvk: '10000001', van: day(-50) },
        { zaak: 'H-2', type: 'Alcoholwet', obj: office, kvk: '10000002', van: day(-50), byAddress: true },
        { zaak: 'H-3', type: 'exploitatievergunning', obj: mixed, kvk: '10000003', van: day(-50) },
        { zaak: 'H-4', type: 'exploitatievergunning', obj: hall, kvk: '10000004', van: day(-50) },
        // Expired yesterday, and valid through today.
        { zaak: 'H-5', type: 'exploitatievergunning', obj: house2, kvk: '10000005', van: day(-500), tot: day(-1) },
        { zaak: 'H-6', type: 'exploitatievergunning', obj: house3, kvk: '10000006', van: day(-500), tot: day(0) },
        { zaak: 'H-7', type: 'Omzettingsvergunning', obj: house, kvk: '10000007', van: day(-50) },
        { zaak: 'H-8', type: 'Horeca', obj: office, kvk: '10000008', van: day(-50), status: 'Ingetrokken' },
      ],
    });
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.files.map((f) => [f.source, f.status, f.rowsRejected])).toEqual([
      ['bag', 'loaded', 0],
      ['permits', 'loaded', 0],
    ]);
  });
  afterAll(async () => ctx?.close());

  const signals = async () =>
    (await ctx.db.query<Signal>(`SELECT * FROM pakhuis.signals WHERE rule_code = 'HORECA_GEEN_PASSENDE_FUNCTIE' AND status = 'open'`)).rows.sort((a, b) =>
      a.subject_key.localeCompare(b.subject_key),
    );

  it('flags horeca in a house and alcohol in an office, valid through today', async () => {
    const rows = await signals();
    expect(rows.map((r) => [r.subject_key, r.verblijfsobject_id])).toEqual([
      ['H-1', house.id],
      ['H-2', office.id],
      ['H-6', house3.id],
    ]);
    expect(rows[1]!.evidence).toMatchObject({
      vergunning: { zaaknummer: 'H-2', type: 'alcoholwetvergunning' },
      gebruiksdoelen: ['kantoorfunctie'],
      passende_functies: ['bijeenkomstfunctie', 'winkelfunctie', 'logiesfunctie'],
    });
    expect(rows[1]!.explanation).toBe(
      'Er is een alcoholwetvergunning (zaak H-2) voor dit object, maar volgens de BAG is het gebruiksdoel kantoorfunctie: geen van bijeenkomstfunctie, winkelfunctie, logiesfunctie.',
    );
  });

  it('does not flag one fitting use among others, an expired or withdrawn permit, or another permit type', async () => {
    const subjects = (await signals()).map((r) => r.subject_key);
    for (const s of ['H-3', 'H-4', 'H-5', 'H-7', 'H-8']) expect(subjects).not.toContain(s);
  });

  it('takes the fitting uses as a parameter, and refuses unknown ones', async () => {
    const strict = resolveRule(rule, { passendeFuncties: 'bijeenkomstfunctie' });
    const { rows } = await ctx.db.query<{ subject_key: string }>(`SELECT subject_key FROM (${strict.boundSql}) s`, strict.values);
    expect(rows.map((r) => r.subject_key).sort()).toEqual(['H-1', 'H-2', 'H-3', 'H-6']);
    expect(() => resolveRule(rule, { passendeFuncties: 'horecafunctie' })).toThrow(/passendeFuncties/);
  });
});
