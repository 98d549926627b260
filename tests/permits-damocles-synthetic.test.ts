import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import damoclesBetrokkeneElders from '../rules/damocles-betrokkene-elders.ts';
import damoclesBewoning from '../rules/damocles-bewoning.ts';
import horecaGeenPassendeFunctie from '../rules/horeca-geen-passende-functie.ts';
import vergunningBibob from '../rules/vergunning-bibob.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { generateMunicipality, type GeneratedMunicipality } from '../synthetic/municipality.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

const MY_RULES = [damoclesBewoning, damoclesBetrokkeneElders, vergunningBibob, horecaGeenPassendeFunctie];

describe('synthetic permit and Damocles registers', () => {
  let ctx: TestContext;
  let generated: GeneratedMunicipality;
  let run: RunSummary;

  beforeAll(async () => {
    ctx = await createTestContext();
    generated = await generateMunicipality(ctx.config.INBOX_DIR, { residents: 4000, seed: 7 });
    run = await runPipeline(ctx, { trigger: 'test' });
  });
  afterAll(async () => ctx?.close());

  it('writes a workbook and a CSV that load without rejections', () => {
    expect(generated.files.registers.map((f) => f.split('/').slice(-2).join('/'))).toEqual(['permits/vergunningen.xlsx', 'damocles/damocles-register.csv']);
    const loaded = run.files.filter((f) => f.source === 'permits' || f.source === 'damocles');
    expect(loaded.map((f) => [f.source, f.status, f.format, f.rowsRejected])).toEqual([
      ['permits', 'loaded', 'permits-xlsx', 0],
      ['damocles', 'loaded', 'damocles-csv', 0],
    ]);
    expect(loaded[0]!.rowsStaged).toBeGreaterThanOrEqual(8);
    expect(loaded[1]!.rowsStaged).toBeGreaterThanOrEqual(5);
  });

  it('matches every case to a verblijfsobject, by id or by address', async () => {
    const { rows } = await ctx.db.query<{ tabel: string; match_method: string }>(
      `SELECT 'vergunning' AS tabel, match_method FROM model.vergunning UNION ALL SELECT 'damocles', match_method FROM model.damocles_zaak`,
    );
    expect(rows.filter((r) => r.match_method === 'geen')).toEqual([]);
    expect(new Set(rows.map((r) => r.match_method))).toEqual(new Set(['vbo_id', 'adres']));
  });

  it.each(MY_RULES.map((r) => r.code))('%s finds exactly the planted cases', async (code) => {
    const planted = generated.plantedByRule[code] ?? [];
    expect(planted.length).toBeGreaterThan(0);
    const { rows } = await ctx.db.query<{ subject_key: string }>(`SELECT subject_key FROM pakhuis.signals WHERE rule_code = $1 AND status = 'open'`, [code]);
    expect(rows.map((r) => r.subject_key).sort()).toEqual([...planted].sort());
  });

  // The contract of rules/rule.ts: a rule links the persons it counted, by role, and reveal shows
  // no one else. Derived in the same aggregate as the count, the two must agree for every signal.
  it('links every signal to exactly the persons its rule counted, by role', async () => {
    const { rows } = await ctx.db.query<{ rule_code: string; evidence: Record<string, any>; links: { pseudonym: string; rol: string }[] }>(
      `SELECT s.rule_code, s.evidence,
         coalesce((SELECT jsonb_agg(jsonb_build_object('pseudonym', p.pseudonym, 'rol', p.rol)) FROM pakhuis.signal_persons p WHERE p.signal_id = s.id), '[]') AS links
       FROM pakhuis.signals s WHERE s.status = 'open'`,
    );
    // A role may say how the person was matched ('bewoner via adres'): it is still that role.
    const persons = (links: { pseudonym: string; rol: string }[], ...roles: string[]) =>
      new Set(links.filter((l) => roles.length === 0 || roles.some((r) => l.rol === r || l.rol.startsWith(`${r} via `))).map((l) => l.pseudonym)).size;
    const hex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
    const expected: Record<string, (e: Record<string, any>, l: { pseudonym: string; rol: string }[]) => [number, number][]> = {
      OVERBEWONING: (e, l) => [
        [e.personen, persons(l, 'bewoner')],
        [e.personen, persons(l)],
      ],
      GEEN_WOONFUNCTIE: (e, l) => [
        [e.personen, persons(l, 'bewoner')],
        [e.personen, persons(l)],
      ],
      BRIEFADRES_CLUSTER: (e, l) => [
        [e.briefadressen, persons(l, 'briefadres')],
        [e.woonadressen, persons(l, 'bewoner')],
      ],
      OBJECT_NIET_IN_GEBRUIK: (e, l) => [
        [e.personen, persons(l)],
        [e.briefadressen, persons(l, 'briefadres')],
      ],
      DOORGANGSADRES: (e, l) => [[e.personen, persons(l)]],
      DAMOCLES_BEWONING: (e, l) => [[e.personen, persons(l)]],
      ADRES_ONBEKEND: (e, l) => [[e.personen, persons(l)]],
      DAMOCLES_BETROKKENE_ELDERS: (e, l) => [
        [new Set(e.elders.map((x: { partij: string }) => x.partij).filter(hex)).size, persons(l, e.rol)],
        [persons(l), persons(l, e.rol)],
      ],
      VERGUNNING_BIBOB: (e, l) => [
        [new Set(e.damocles.map((b: { houder: { pseudoniem?: string } | null }) => b.houder?.pseudoniem).filter(hex)).size, persons(l, 'houder')],
      ],
    };
    const seen = new Set<string>();
    for (const row of rows) {
      const check = expected[row.rule_code];
      if (!check) continue;
      seen.add(row.rule_code);
      for (const [count, linked] of check(row.evidence, row.links)) expect(linked, `${row.rule_code} ${JSON.stringify(row.evidence)}`).toBe(count);
    }
    expect([...seen].sort()).toEqual(Object.keys(expected).sort());
  });
});
