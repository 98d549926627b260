import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { rebuildModel } from '../transforms/model.ts';
import { SOURCE_DEFINITIONS, SOURCES, checked } from '../sources/index.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { writeFileIn } from './helpers/files.ts';
import { toy, TOY_STAGING } from './toy-source/index.ts';

/**
 * Adding a source is a folder with its declaration plus a migration: nothing else in the pipeline
 * names it. A source that lives in a test folder and is handed to the run through its context is
 * found in its inbox folder, read, validated and staged by the real run, and the production
 * registry is not touched.
 */
describe('a source from a test folder, through the real run', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    const base = await createTestContext();
    await base.db.exec(await readFile(new URL('./toy-source/staging.sql', import.meta.url), 'utf8'));
    ctx = Object.assign(base, { sources: checked({ toy }), transformsDir: fileURLToPath(new URL('./toy-source/transforms/', import.meta.url)) });
  });
  afterAll(async () => ctx?.close());

  it('stages the valid rows and rejects a bad one with file, line, column and reason', async () => {
    await writeFileIn(
      join(ctx.config.INBOX_DIR, 'toy', 'metingen.csv'),
      [
        'id;gemeten_op;uitkomst;postcode;huisnummer',
        'M-1;03-02-2026;12;3441 ab;12a',
        'M-2;2026-02-04;;3441AB;14',
        'M-3;2026-02-05;veel;3441AB;16',
        'M-4;2026-02-06;7;;',
      ].join('\n') + '\n',
    );
    const summary = await runPipeline(ctx, { trigger: 'test', today: '2026-02-10' });
    expect(summary.status).toBe('succeeded');
    expect(summary.files.map((f) => [f.file, f.status, f.format, f.rowsRead, f.rowsStaged, f.rowsRejected])).toEqual([
      ['toy/metingen.csv', 'loaded', 'toy-csv', 4, 2, 2],
    ]);
    const loadId = summary.files[0]!.loadId;
    const { rows } = await ctx.db.query(
      `SELECT line, meting_id, datum::text AS datum, waarde, verblijfsobject_id, postcode, huisnummer, huisletter, huisnummertoevoeging
       FROM ${TOY_STAGING.name} WHERE load_id = $1 ORDER BY line`,
      [loadId],
    );
    expect(rows).toEqual([
      {
        line: 2,
        meting_id: 'M-1',
        datum: '2026-02-03',
        waarde: 12,
        verblijfsobject_id: null,
        postcode: '3441AB',
        huisnummer: 12,
        huisletter: 'A',
        huisnummertoevoeging: null,
      },
      {
        line: 3,
        meting_id: 'M-2',
        datum: '2026-02-04',
        waarde: null,
        verblijfsobject_id: null,
        postcode: '3441AB',
        huisnummer: 14,
        huisletter: null,
        huisnummertoevoeging: null,
      },
    ]);
    const { rows: rejected } = await ctx.db.query<{ file_name: string; line: number; location: string; column_name: string; reason: string }>(
      `SELECT l.file_name, r.line, r.location, r.column_name, r.reason FROM pakhuis.rejected_rows r JOIN pakhuis.loads l ON l.id = r.load_id
       WHERE r.load_id = $1 ORDER BY r.line`,
      [loadId],
    );
    expect(rejected).toEqual([
      { file_name: 'toy/metingen.csv', line: 4, location: 'regel 4', column_name: 'waarde', reason: 'waarde is geen geheel getal' },
      {
        file_name: 'toy/metingen.csv',
        line: 5,
        location: 'regel 5',
        column_name: 'postcode',
        reason: 'geen adres: geen verblijfsobject-id en geen postcode met huisnummer',
      },
    ]);
    // The run knows this registry only: no production source is missed, the toy one is fresh.
    expect(summary.warnings.filter((w) => w.startsWith('bron '))).toEqual([]);
    const { rows: loads } = await ctx.db.query<{ source: string }>('SELECT DISTINCT source FROM pakhuis.loads');
    expect(loads).toEqual([{ source: 'toy' }]);
    // The run built its model from the toy's own transforms folder, in the publishing transaction.
    expect(summary.publish?.transforms.map((t) => t.script)).toEqual(['10_toy.sql']);
    const { rows: model } = await ctx.db.query('SELECT meting_id, waarde FROM model.toy_meting ORDER BY meting_id');
    expect(model).toEqual([
      { meting_id: 'M-1', waarde: 12 },
      { meting_id: 'M-2', waarde: null },
    ]);
  });

  it("builds its model with the real transform runner from its own folder, which knows its staging table from the source's declaration", async () => {
    const dir = fileURLToPath(new URL('./toy-source/transforms/', import.meta.url));
    const { rows: published } = await ctx.db.query<{ load_id: string }>(`SELECT load_id FROM model.source_state WHERE source = 'toy'`);
    expect(published).toHaveLength(1);
    const ran = await ctx.db.transaction(async (tx) => {
      await tx.exec(`CREATE TEMP TABLE publish_loads ON COMMIT DROP AS SELECT source, gemeentecode, load_id FROM model.source_state`);
      return rebuildModel(tx, new Set(['toy']), new Set(['toy']), '2026-02-10', undefined, { dir, sources: ctx.sources });
    });
    expect(ran.map((r) => r.script)).toEqual(['10_toy.sql']);
    const { rows } = await ctx.db.query('SELECT meting_id, datum::text AS datum, waarde, postcode, huisnummer FROM model.toy_meting ORDER BY meting_id');
    expect(rows).toEqual([
      { meting_id: 'M-1', datum: '2026-02-03', waarde: 12, postcode: '3441AB', huisnummer: 12 },
      { meting_id: 'M-2', datum: '2026-02-04', waarde: null, postcode: '3441AB', huisnummer: 14 },
    ]);
  });

  it('leaves the production registry as it was', () => {
    expect(SOURCES).toEqual(['bag', 'brp', 'permits', 'damocles', 'meldingen']);
    expect('toy' in SOURCE_DEFINITIONS).toBe(false);
  });
});
