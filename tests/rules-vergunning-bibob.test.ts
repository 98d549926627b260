import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, freshBsn, iso, obj, writeInbox } from './helpers/registers.ts';

interface Signal {
  subject_key: string;
  verblijfsobject_id: string;
  severity: string;
  score: string;
  evidence: Record<string, any>;
  explanation: string;
}

function yearsAgo(years: number, extraDays = 0): Date {
  const d = day(-extraDays);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

describe('VERGUNNING_BIBOB: a permit linked to a Damocles case', () => {
  let ctx: TestContext;
  const shops = Array.from({ length: 8 }, (_, i) => obj(20 + i, 'bijeenkomstfunctie'));
  const [s1, s2, s3, s4, s5, s6, s7, closedElsewhere] = shops as [
    (typeof shops)[0],
    (typeof shops)[0],
    (typeof shops)[0],
    (typeof shops)[0],
    (typeof shops)[0],
    (typeof shops)[0],
    (typeof shops)[0],
    (typeof shops)[0],
  ];
  const LINKED_KVK = '11111111';
  const OLD_KVK = '44444444';
  const personHolder = freshBsn();

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: shops,
      permits: [
        { zaak: 'P-1', type: 'exploitatievergunning', obj: s1, kvk: LINKED_KVK, naam: 'Shisha Lounge B.V.', van: day(-100) },
        { zaak: 'P-2', type: 'alcoholwetvergunning', obj: s2, bsn: personHolder, naam: 'Vergunninghouder', van: day(-100) },
        { zaak: 'P-3', type: 'exploitatievergunning', obj: s3, kvk: '33333333', van: day(-100) },
        { zaak: 'P-4', type: 'exploitatievergunning', obj: s4, kvk: OLD_KVK, van: day(-100) },
        { zaak: 'P-5', type: 'exploitatievergunning', obj: s5, kvk: LINKED_KVK, van: day(-100), status: 'Ingetrokken' },
        { zaak: 'P-6', type: 'exploitatievergunning', obj: s6, kvk: '66666666', van: day(-100) },
        { zaak: 'P-7', type: 'Drank- en Horecavergunning', obj: s7, kvk: '77777777', van: day(-100), byAddress: true },
      ],
      damocles: [
        // The holder of P-1 (and of the withdrawn P-5) was the tenant of premises closed last year.
        { zaak: 'D-1', obj: closedElsewhere, type: 'lokaal', start: day(-300), duur: '3 maanden', huurderKvk: LINKED_KVK },
        // The object of P-2 was closed; the closure of P-3's object ended five years and a day ago, P-7's a day less than five years ago.
        { zaak: 'D-2', obj: s2, type: 'lokaal', start: yearsAgo(3), einde: yearsAgo(2) },
        { zaak: 'D-3', obj: s3, type: 'lokaal', start: yearsAgo(6), einde: yearsAgo(5, 1) },
        { zaak: 'D-7', obj: s7, type: 'lokaal', start: yearsAgo(6), einde: yearsAgo(5, -1) },
        // P-4's holder owned an object warned about more than five years ago; P-6's object only had a warning.
        { zaak: 'D-4', obj: closedElsewhere, besluit: 'waarschuwing', constatering: yearsAgo(5, 1), eigenaarKvk: OLD_KVK },
        { zaak: 'D-6', obj: s6, besluit: 'waarschuwing', constatering: day(-20) },
      ],
    });
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.files.map((f) => [f.source, f.status, f.rowsRejected])).toEqual([
      ['bag', 'loaded', 0],
      ['permits', 'loaded', 0],
      ['damocles', 'loaded', 0],
    ]);
  });
  afterAll(async () => ctx?.close());

  const signals = async () =>
    (await ctx.db.query<Signal>(`SELECT * FROM pakhuis.signals WHERE rule_code = 'VERGUNNING_BIBOB' AND status = 'open'`)).rows.sort((a, b) =>
      a.subject_key.localeCompare(b.subject_key),
    );

  it('flags a holder who is a party to a case, and permits on objects closed within five years', async () => {
    const rows = await signals();
    expect(rows.map((r) => r.subject_key)).toEqual(['P-1', 'P-2', 'P-7']);
    const [p1, p2, p7] = rows as [Signal, Signal, Signal];
    expect(p1).toMatchObject({ verblijfsobject_id: s1.id, severity: 'hoog' });
    expect(p1.evidence).toMatchObject({
      vergunning: { zaaknummer: 'P-1', type: 'exploitatievergunning' },
      damocles: [{ damocles_zaak: 'D-1', grond: 'houder is huurder', houder: { kvk: LINKED_KVK }, damocles_object: closedElsewhere.id }],
    });
    expect(p1.explanation).toBe('Vergunning P-1 (exploitatievergunning) heeft een band met het Damoclesbeleid: de houder is huurder in Damocles-zaak D-1.');
    expect(p2).toMatchObject({ verblijfsobject_id: s2.id, severity: 'midden' });
    expect(p2.evidence.damocles).toEqual([expect.objectContaining({ damocles_zaak: 'D-2', grond: 'object gesloten', sluiting_einde: iso(yearsAgo(2)) })]);
    expect(p7.evidence.vergunning.type).toBe('alcoholwetvergunning');
  });

  it('does not flag a closure or a case just outside five years, a withdrawn permit, or a warning on the object', async () => {
    const subjects = (await signals()).map((r) => r.subject_key);
    for (const s of ['P-3', 'P-4', 'P-5', 'P-6']) expect(subjects).not.toContain(s);
  });

  it('keeps the person holder pseudonymous', async () => {
    const text = JSON.stringify(await signals());
    expect(text).not.toContain(personHolder);
    expect(text).not.toContain('Vergunninghouder');
  });
});
