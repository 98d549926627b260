import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, obj, writeInbox } from './helpers/registers.ts';

describe('ADRES_ONBEKEND for permits and Damocles cases', () => {
  let ctx: TestContext;
  const known = obj(40, 'bijeenkomstfunctie');
  // Not in the BAG delivery: the permit and the case name an address that does not exist.
  const ghost = obj(41, 'bijeenkomstfunctie');
  // Named by its verblijfsobject id only, which the BAG does not know either.
  const ghostById = { ...obj(42, 'bijeenkomstfunctie'), postcode: '', huisnummer: '' as unknown as number };

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [known],
      permits: [
        { zaak: 'V-1', type: 'exploitatievergunning', obj: known, kvk: '20000001', van: day(-30) },
        { zaak: 'V-2', type: 'exploitatievergunning', obj: ghost, byAddress: true, kvk: '20000002', van: day(-30) },
        { zaak: 'V-3', type: 'exploitatievergunning', obj: ghostById, kvk: '20000004', van: day(-30) },
      ],
      damocles: [
        { zaak: 'D-1', obj: ghost, byAddress: true, start: day(-20), duur: 3, eigenaarKvk: '20000003' },
        { zaak: 'D-2', obj: ghostById, start: day(-20), duur: 3, eigenaarKvk: '20000005' },
      ],
    });
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('flags the unknown address once, naming both registers, with no person registered there', async () => {
    const { rows } = await ctx.db.query<{ subject_key: string; evidence: Record<string, unknown>; explanation: string }>(
      `SELECT subject_key, evidence, explanation FROM pakhuis.signals WHERE rule_code = 'ADRES_ONBEKEND' AND status = 'open' AND subject_key = $1`,
      [`${ghost.postcode}|${ghost.huisnummer}||`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.evidence).toMatchObject({ personen: 0, vermeldingen_andere_registers: 2, zaken: ['damocles D-1', 'vergunningen V-2'] });
    expect(rows[0]!.explanation).toBe(
      `Niemand staat ingeschreven op ${ghost.postcode} ${ghost.huisnummer}, een adres dat niet in de BAG voorkomt. Genoemd in andere registers: damocles D-1, vergunningen V-2.`,
    );
  });

  it('names the verblijfsobject id a register gave when the BAG does not know it', async () => {
    const { rows } = await ctx.db.query<{ subject_key: string; evidence: Record<string, unknown>; explanation: string }>(
      `SELECT subject_key, evidence, explanation FROM pakhuis.signals WHERE rule_code = 'ADRES_ONBEKEND' AND status = 'open' ORDER BY subject_key`,
    );
    expect(rows.map((r) => r.subject_key)).toEqual([`${ghost.postcode}|${ghost.huisnummer}||`, `verblijfsobject:${ghostById.id}`]);
    expect(rows[1]!.evidence).toMatchObject({
      adres: `verblijfsobject ${ghostById.id}`,
      opgegeven_verblijfsobject_ids: [ghostById.id],
      zaken: ['damocles D-2', 'vergunningen V-3'],
    });
    expect(rows[1]!.explanation).toContain(`op verblijfsobject ${ghostById.id}`);
  });
});
