import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, freshBsn, obj, writeInbox, type Obj, type Person } from './helpers/registers.ts';

interface Signal {
  subject_key: string;
  severity: string;
  evidence: Record<string, any>;
  explanation: string;
}

/** Twelve residents on 100 m2: 8.3 m2 each, under the 12 m2 norm but not under half of it. */
const crowd = (o: Obj, byAddress = false): Person[] =>
  Array.from({ length: 12 }, (_, i) => ({ bsn: freshBsn(), naam: 'Bewoner', stays: [{ obj: o, since: day(-365), byAddress: byAddress && i % 2 === 0 }] }));

describe('OVERBEWONING with a room-rental or labour-migrant permit', () => {
  let ctx: TestContext;
  const withPermit = obj(40);
  const expired = obj(41);
  const notYet = obj(42);
  const otherType = obj(43);
  const openEnded = obj(44);
  const applied = obj(45);
  const none = obj(46);

  beforeAll(async () => {
    ctx = await createTestContext();
    const all = [withPermit, expired, notYet, otherType, openEnded, applied, none];
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: all,
      brp: all.flatMap((o) => crowd(o, o === openEnded)),
      permits: [
        { zaak: 'O-1', type: 'Omzettingsvergunning', obj: withPermit, kvk: '20000001', van: day(-300), tot: day(0) },
        { zaak: 'O-2', type: 'Kamerverhuur', obj: expired, kvk: '20000002', van: day(-300), tot: day(-1) },
        { zaak: 'O-3', type: 'Huisvesting arbeidsmigranten', obj: notYet, kvk: '20000003', van: day(1), tot: day(700) },
        { zaak: 'O-4', type: 'Exploitatievergunning', obj: otherType, kvk: '20000004', van: day(-300) },
        { zaak: 'O-5', type: 'kamerverhuurvergunning', obj: openEnded, kvk: '20000005', van: day(-300), byAddress: true },
        { zaak: 'O-6', type: 'Omzettingsvergunning', obj: applied, kvk: '20000006', status: 'Aangevraagd' },
      ],
    });
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  const bySubject = async () =>
    new Map(
      (await ctx.db.query<Signal>(`SELECT * FROM pakhuis.signals WHERE rule_code = 'OVERBEWONING' AND status = 'open'`)).rows.map((r) => [r.subject_key, r]),
    );

  it('still flags every crowded object', async () => {
    expect([...(await bySubject()).keys()].sort()).toEqual([withPermit, expired, notYet, otherType, openEnded, applied, none].map((o) => o.id).sort());
  });

  it('lowers the severity where a permit in force allows more residents, and says which', async () => {
    const signals = await bySubject();
    const o1 = signals.get(withPermit.id)!;
    expect(o1.severity).toBe('laag');
    expect(o1.evidence).toMatchObject({ personen: 12, vergunning: { zaaknummer: 'O-1', type: 'omzettingsvergunning' } });
    expect(o1.explanation).toContain('Er geldt een omzettingsvergunning (zaak O-1) voor dit object');
    expect(signals.get(openEnded.id)!).toMatchObject({ severity: 'laag', evidence: { vergunning: { zaaknummer: 'O-5', type: 'kamerverhuur' } } });
  });

  it('keeps the severity for an expired, future, applied-for or unrelated permit', async () => {
    const signals = await bySubject();
    for (const o of [expired, notYet, otherType, applied, none]) {
      const s = signals.get(o.id)!;
      expect(s.severity).toBe('midden');
      expect(s.evidence.vergunning).toBeUndefined();
      expect(s.explanation).not.toContain('vergunning');
    }
  });
});
