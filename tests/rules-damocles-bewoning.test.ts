import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, freshBsn, iso, obj, writeInbox, type Person } from './helpers/registers.ts';

interface Signal {
  subject_key: string;
  verblijfsobject_id: string;
  severity: string;
  score: string;
  evidence: Record<string, any>;
  explanation: string;
}

describe('DAMOCLES_BEWONING: registered on an object while it is closed', () => {
  let ctx: TestContext;
  let run: RunSummary;
  const elsewhere = obj(1);
  const closed = obj(2);
  const leftLate = obj(3);
  const leftInTime = obj(4);
  const pastClosure = obj(5);
  const warned = obj(6);
  const start = day(-60);
  const stayer: Person = { bsn: freshBsn(), naam: 'Blijver', stays: [{ obj: closed, since: day(-400) }] };
  const newcomer: Person = { bsn: freshBsn(), naam: 'Nieuwkomer', stays: [{ obj: closed, since: day(-50), byAddress: true }] };
  // Moved out 6 and 5 days into the closure: one day more than the five-day notice period, and exactly it.
  const late: Person = {
    bsn: freshBsn(),
    naam: 'Laat',
    stays: [
      { obj: elsewhere, since: day(-54) },
      { obj: leftLate, since: day(-300) },
    ],
  };
  const inTime: Person = {
    bsn: freshBsn(),
    naam: 'Optijd',
    stays: [
      { obj: elsewhere, since: day(-55) },
      { obj: leftInTime, since: day(-300) },
    ],
  };
  // Moved in the day after a closure ended.
  const after: Person = { bsn: freshBsn(), naam: 'Erna', stays: [{ obj: pastClosure, since: day(-99) }] };
  const underWarning: Person = { bsn: freshBsn(), naam: 'Gewaarschuwd', stays: [{ obj: warned, since: day(-400) }] };

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [elsewhere, closed, leftLate, leftInTime, pastClosure, warned],
      brp: [stayer, newcomer, late, inTime, after, underWarning],
      damocles: [
        { zaak: 'D-1', obj: closed, start, duur: 3 },
        { zaak: 'D-2', obj: leftLate, start, einde: day(30), byAddress: true },
        { zaak: 'D-3', obj: leftInTime, start, einde: day(30) },
        { zaak: 'D-4', obj: pastClosure, start: day(-200), einde: day(-100) },
        { zaak: 'D-5', obj: warned, besluit: 'waarschuwing', constatering: day(-30) },
      ],
    });
    run = await runPipeline(ctx, { trigger: 'test' });
  });
  afterAll(async () => ctx?.close());

  const signals = async () =>
    (await ctx.db.query<Signal>(`SELECT * FROM pakhuis.signals WHERE rule_code = 'DAMOCLES_BEWONING' AND status = 'open' ORDER BY subject_key`)).rows;

  it('loads the register', () => {
    expect(run.status).toBe('succeeded');
    expect(run.files.find((f) => f.source === 'damocles')).toMatchObject({ status: 'loaded', rowsStaged: 5, rowsRejected: 0 });
  });

  it('flags a closure with residents, and one that outlasted the notice period by a day', async () => {
    const rows = await signals();
    expect(rows.map((r) => r.subject_key)).toEqual(['D-1', 'D-2']);
    const [d1, d2] = rows as [Signal, Signal];
    expect(d1.verblijfsobject_id).toBe(closed.id);
    expect(d1.severity).toBe('hoog');
    expect(Number(d1.score)).toBe(2);
    expect(d1.evidence).toMatchObject({
      damocles_zaak: 'D-1',
      sluiting_start: iso(start),
      personen: 2,
      nieuw_ingeschreven_tijdens_sluiting: true,
      langste_overlap_dagen: 61,
      regel: 'DAMOCLES_BEWONING',
    });
    expect(d1.evidence.inschrijvingen.map((i: any) => i.pseudoniem).sort()).toEqual(
      [stayer, newcomer].map((p) => ctx.pseudonymizer.pseudonymise(p.bsn)).sort(),
    );
    expect(d1.explanation).toContain('2 personen ingeschreven op dit object tijdens de Damocles-sluiting (zaak D-1');
    expect(d1.explanation).toContain('nadat de sluiting begon');

    expect(d2.verblijfsobject_id).toBe(leftLate.id);
    expect(d2.severity).toBe('midden');
    expect(d2.evidence).toMatchObject({ personen: 1, langste_overlap_dagen: 6, nieuw_ingeschreven_tijdens_sluiting: false });
  });

  it('computes the end of a closure given in months', async () => {
    const { rows } = await ctx.db.query<{ sluiting_einde: string }>(
      `SELECT to_char(sluiting_einde, 'YYYY-MM-DD') AS sluiting_einde FROM model.damocles_zaak WHERE zaaknummer = 'D-1'`,
    );
    const end = new Date(start);
    end.setUTCMonth(end.getUTCMonth() + 3);
    expect(rows[0]!.sluiting_einde).toBe(iso(new Date(end.getTime() - 86_400_000)));
  });

  it('does not flag a move within the notice period, a move-in after the closure, or a warning', async () => {
    const subjects = (await signals()).map((r) => r.subject_key);
    expect(subjects).not.toContain('D-3');
    expect(subjects).not.toContain('D-4');
    expect(subjects).not.toContain('D-5');
  });

  it('keeps names out of the evidence', async () => {
    const text = JSON.stringify(await signals());
    for (const p of [stayer, newcomer, late]) {
      expect(text).not.toContain(p.naam);
      expect(text).not.toContain(p.bsn);
    }
  });
});
