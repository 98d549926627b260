import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { bagCsv, brpCsv, newBsn, vbo, writeFileIn, type TestPerson, type TestVbo } from './helpers/files.ts';

const kantoor = vbo(701, 200, { doelen: 'kantoorfunctie' });
const brieven = vbo(702, 150);
const ingetrokken = vbo(703, 90, { status: 'Verblijfsobject ingetrokken' });
const woning = vbo(704, 400);

// The same people in every run; only where they are registered changes.
const kantoorBewoners = [newBsn(), newBsn()];
const briefHouders = Array.from({ length: 7 }, () => newBsn());
const terugkeerder = newBsn();

const at = (v: TestVbo, bsns: string[], extra: Partial<TestPerson> = {}): TestPerson[] => bsns.map((bsn) => ({ bsn, vbo: v, ...extra }));

/** Three nightly deliveries of the BRP. */
const DELIVERIES: TestPerson[][] = [
  [...at(kantoor, kantoorBewoners), ...at(brieven, briefHouders.slice(0, 5), { functie: 'B' }), ...at(ingetrokken, [terugkeerder])],
  [...at(kantoor, kantoorBewoners), ...at(brieven, briefHouders, { functie: 'B' }), ...at(woning, [terugkeerder])],
  [...at(woning, kantoorBewoners), ...at(brieven, briefHouders.slice(0, 6), { functie: 'B' }), ...at(ingetrokken, [terugkeerder])],
];

interface Signal {
  id: string;
  rule_code: string;
  subject_key: string;
  status: string;
  score: string;
  first_seen_run: string;
  last_seen_run: string;
  resolved_run: string | null;
  worsened_run: string | null;
}

describe('signal lifecycle over three nightly runs', () => {
  let ctx: TestContext;
  const runs: RunSummary[] = [];
  const states: Map<string, Signal>[] = [];
  const runNo = (i: number) => String(runs[i]!.runId);

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeFileIn(join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'), bagCsv([kantoor, brieven, ingetrokken, woning]));
    for (const [i, delivery] of DELIVERIES.entries()) {
      await writeFileIn(join(ctx.config.INBOX_DIR, 'brp', `brp-${i + 1}.csv`), brpCsv(delivery));
      runs.push(await runPipeline(ctx, { trigger: 'test' }));
      const { rows } = await ctx.db.query<Signal>(
        `SELECT id::text, rule_code, subject_key, status, score::text, first_seen_run::text, last_seen_run::text,
           resolved_run::text, worsened_run::text FROM pakhuis.signals`,
      );
      states.push(new Map(rows.map((r) => [r.rule_code, r])));
    }
  });
  afterAll(async () => ctx?.close());

  it('runs three times, each with a new BRP delivery', () => {
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(runs.map((r) => r.files.map((f) => `${f.source}:${f.status}`))).toEqual([['bag:loaded', 'brp:loaded'], ['brp:loaded'], ['brp:loaded']]);
    expect([...states[0]!.keys()].sort()).toEqual(['BRIEFADRES_CLUSTER', 'GEEN_WOONFUNCTIE', 'OBJECT_NIET_IN_GEBRUIK']);
  });

  it('counts new, open, resolved and worsened signals per run', () => {
    expect(runs.map((r) => r.publish!.signals)).toEqual([
      { new: 3, open: 3, resolved: 0, worsened: 0 },
      { new: 0, open: 2, resolved: 1, worsened: 1 },
      { new: 0, open: 2, resolved: 1, worsened: 1 },
    ]);
  });

  it('opens a signal in run 1, keeps it open in run 2 and resolves it in run 3 when the situation is gone', () => {
    const [one, two, three] = states.map((s) => s.get('GEEN_WOONFUNCTIE')!);
    expect(one).toMatchObject({ subject_key: kantoor.id, status: 'open', first_seen_run: runNo(0), last_seen_run: runNo(0), worsened_run: null });
    expect(two).toMatchObject({ id: one!.id, status: 'open', first_seen_run: runNo(0), last_seen_run: runNo(1), worsened_run: null, resolved_run: null });
    expect(three).toMatchObject({ id: one!.id, status: 'resolved', first_seen_run: runNo(0), last_seen_run: runNo(1), resolved_run: runNo(2) });
  });

  it('marks a signal worsened when more persons are involved, and not when fewer are', () => {
    const [one, two, three] = states.map((s) => s.get('BRIEFADRES_CLUSTER')!);
    expect(one).toMatchObject({ subject_key: brieven.id, score: '5', worsened_run: null });
    expect(two).toMatchObject({ id: one!.id, status: 'open', score: '7', first_seen_run: runNo(0), worsened_run: runNo(1) });
    expect(three).toMatchObject({ id: one!.id, status: 'open', score: '6', last_seen_run: runNo(2), worsened_run: runNo(1) });
  });

  it('reopens a resolved signal as worsened when the situation comes back, keeping its history', () => {
    const [one, two, three] = states.map((s) => s.get('OBJECT_NIET_IN_GEBRUIK')!);
    expect(one).toMatchObject({ subject_key: ingetrokken.id, status: 'open', first_seen_run: runNo(0) });
    expect(two).toMatchObject({ id: one!.id, status: 'resolved', resolved_run: runNo(1) });
    expect(three).toMatchObject({ id: one!.id, status: 'open', first_seen_run: runNo(0), last_seen_run: runNo(2), resolved_run: null, worsened_run: runNo(2) });
  });

  it('refreshes evidence and explanation with each run', async () => {
    const { rows } = await ctx.db.query<{ evidence: { briefadressen: number; run: number }; explanation: string }>(
      `SELECT evidence, explanation FROM pakhuis.signals WHERE rule_code = 'BRIEFADRES_CLUSTER'`,
    );
    expect(rows[0]!.evidence).toMatchObject({ briefadressen: 6, run: runs[2]!.runId });
    expect(rows[0]!.explanation).toMatch(/^6 personen hebben hier een briefadres/);
  });
});
