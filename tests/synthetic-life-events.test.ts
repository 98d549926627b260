import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { RULES } from '../rules/index.ts';
import { generateMunicipality, type GeneratedMunicipality } from '../synthetic/municipality.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

/**
 * The synthetic municipality in the two formats that carry the BRP's life events. Its near misses
 * hold the deceased, the emigrated, the suspended, a list suspended as fout, a second list with a
 * resident's BSN and (LO3) an onjuist occurrence, each where counting it would raise a signal; a
 * planted overcrowded home is flagged only if its residents with unknown dates and ids all count.
 */
describe.each(['lo3', 'json'] as const)('synthetic municipality, BRP as %s', (brpFormat) => {
  let ctx: TestContext;
  let generated: GeneratedMunicipality;
  let run: RunSummary;
  let found: Set<string>;

  beforeAll(async () => {
    ctx = await createTestContext();
    generated = await generateMunicipality(ctx.config.INBOX_DIR, { residents: 1200, seed: 11, brpFormat });
    run = await runPipeline(ctx, { trigger: 'test' });
    const { rows } = await ctx.db.query<{ rule_code: string; subject_key: string }>(`SELECT rule_code, subject_key FROM pakhuis.signals WHERE status = 'open'`);
    found = new Set(rows.map((r) => `${r.rule_code} ${r.subject_key}`));
  });
  afterAll(async () => ctx?.close());

  it('loads the BRP export without rejections, the life events counted by kind', () => {
    expect(run.status).toBe('succeeded');
    const brp = run.files.find((f) => f.source === 'brp')!;
    expect(brp).toMatchObject({ status: 'loaded', format: brpFormat === 'lo3' ? 'brp-lo3-csv' : 'brp-haalcentraal-json', rowsRejected: 0 });
    const kinds = Object.fromEntries(brp.kinds.map((k) => [k.kind, k.count]));
    expect(kinds['met een locatiebeschrijving (woonboot, woonwagen)']).toBeGreaterThan(0);
    if (brpFormat === 'lo3') {
      expect(kinds['in het buitenland']).toBeGreaterThan(0);
      expect(kinds['gemarkeerd als onjuist (bewaard, telt niet mee)']).toBeGreaterThan(0);
    }
    expect(run.warnings.join('\n')).toMatch(/BSN's staan op meer dan één persoonslijst/);
    expect(run.publish!.brp).toMatchObject({ overlijden: expect.any(Number), opschorting: expect.any(Number), lijsten_nooit_bewoner: expect.any(Number) });
    expect(run.publish!.brp!.overlijden).toBeGreaterThan(0);
    expect(run.publish!.brp!.lijsten_nooit_bewoner).toBeGreaterThan(0);
  });

  it.each(RULES.map((r) => r.code))('%s finds every planted case and no near miss', (code) => {
    const planted = generated.plantedByRule[code] ?? [];
    const near = generated.nearMissByRule[code] ?? [];
    expect(
      planted.filter((s) => !found.has(`${code} ${s}`)),
      'planted, not found',
    ).toEqual([]);
    expect(
      near.filter((s) => found.has(`${code} ${s}`)),
      'near miss, flagged',
    ).toEqual([]);
  });
});
