import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, obj, writeInbox } from './helpers/registers.ts';

describe('ADRES_ONBEKEND for permits and Damocles cases', () => {
  let ctx: TestContext;
  const known = obj(40, 'bijeenkomstfunctie');
  // Not in the BAG delivery: the permit and the case name an address that does not exist.
  const ghost = obj(41, 'bijeenkomstfunctie');

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [known],
      permits: [
        { zaak: 'V-1', type: 'exploitatievergunning', obj: known, kvk: '20000001', van: day(-30) },
        { zaak: 'V-2', type: 'exploitatievergunning', obj: ghost, byAddress: true, kvk: '20000002', van: day(-30) },
      ],
      damocles: [{ zaak: 'D-1', obj: ghost, byAddress: true, start: day(-20), duur: 3, eigenaarKvk: '20000003' }],
    });
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('flags the unknown address once, naming both registers, with no person registered there', async () => {
    const { rows } = await ctx.db.query<{ subject_key: string; evidence: Record<string, unknown>; explanation: string }>(
      `SELECT subject_key, evidence, explanation FROM pakhuis.signals WHERE rule_code = 'ADRES_ONBEKEND' AND status = 'open'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subject_key).toBe(`${ghost.postcode}|${ghost.huisnummer}||`);
    expect(rows[0]!.evidence).toMatchObject({ personen: 0, vermeldingen_andere_registers: 2, zaken: ['damocles D-1', 'vergunningen V-2'] });
    expect(rows[0]!.explanation).toContain('Ook 2 vermelding(en) in andere registers.');
  });
});
