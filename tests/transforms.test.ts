import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SOURCES } from '../sources/index.ts';
import type { SourceName } from '../sources/source.ts';
import { loadTransforms } from '../transforms/graph.ts';
import { plannedScripts, planOf, rebuildModel } from '../transforms/model.ts';
import { createTestContext } from './helpers/context.ts';

/**
 * The map that listed each script's sources before the headers did (removed with issue 16), and
 * how it chose: the first source must be published, and one of them changed. The plan derived
 * from the headers must stay what it gave.
 */
const DEPENDS_ON: Record<string, SourceName[]> = {
  '10_bag.sql': ['bag'],
  '20_brp.sql': ['brp', 'bag'],
  // History follows BRP loads only: a BAG change re-matches the current rows, not the past.
  '22_brp_history.sql': ['brp'],
  '25_identity.sql': ['brp'],
  '30_permits.sql': ['permits', 'bag', 'brp'],
  '40_damocles.sql': ['damocles', 'bag', 'brp'],
  '50_meldingen.sql': ['meldingen', 'bag'],
};

function plannedByMap(changed: Set<SourceName>, available: Set<SourceName>): string[] {
  return Object.keys(DEPENDS_ON)
    .sort()
    .filter((script) => {
      const deps = DEPENDS_ON[script]!;
      return available.has(deps[0]!) && deps.some((d) => changed.has(d));
    });
}

/** Every subset of the sources. */
function subsets(): Set<SourceName>[] {
  return Array.from({ length: 2 ** SOURCES.length }, (_, mask) => new Set(SOURCES.filter((_s, i) => mask & (1 << i))));
}

describe('transform plan derived from the headers', () => {
  it('runs the same scripts as the old DEPENDS_ON map for every changed and available set of sources', async () => {
    const transforms = await loadTransforms();
    let compared = 0;
    for (const changed of subsets())
      for (const available of subsets()) {
        expect(
          planOf(transforms, changed, available).map((t) => t.file),
          `changed ${[...changed].join(',')} available ${[...available].join(',')}`,
        ).toEqual(plannedByMap(changed, available));
        compared++;
      }
    expect(compared).toBe(1024);
  });
});

describe('transform headers', () => {
  let dir: string;
  const toySources = { toy: { tables: { 'staging.toy': [] } }, other: { tables: { 'staging.other': [] } } };

  async function folder(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'pakhuis-transforms-'));
    for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
    return dir;
  }
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('orders scripts by what they read, not by file name, and derives their sources', async () => {
    const transforms = await loadTransforms(
      await folder({
        'a_reads_b.sql': '-- reads: model.b, staging.other\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM model.b JOIN staging.other USING (id);\n',
        'b.sql': '-- reads: staging.toy\n-- builds: model.b\nTRUNCATE model.b;\nINSERT INTO model.b SELECT id FROM staging.toy;\n',
      }),
      toySources,
    );
    expect(transforms.map((t) => [t.file, t.requires, t.triggers])).toEqual([
      ['b.sql', ['toy'], ['toy']],
      ['a_reads_b.sql', ['other'], ['other', 'toy']],
    ]);
    expect(await plannedScripts(new Set(['toy']), new Set(['toy', 'other']), { dir, sources: toySources })).toEqual(['b.sql', 'a_reads_b.sql']);
    // a_reads_b needs its own source published; b does not need other.
    expect(await plannedScripts(new Set(['toy']), new Set(['toy']), { dir, sources: toySources })).toEqual(['b.sql']);
  });

  it('refuses a cycle, naming the scripts in it', async () => {
    await folder({
      'a.sql': '-- reads: model.b\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM model.b;\n',
      'b.sql': '-- reads: model.a\n-- builds: model.b\nINSERT INTO model.b SELECT * FROM model.a;\n',
      'c.sql': '-- reads: staging.toy\n-- builds: model.c\nINSERT INTO model.c SELECT * FROM staging.toy;\n',
    });
    await expect(loadTransforms(dir, toySources)).rejects.toThrow(
      "transforms read each other's tables in a cycle (each reads what the next builds): a.sql -> b.sql -> a.sql",
    );
  });

  it('refuses a table the SQL reads that the header does not declare, past comments, literals and function calls', async () => {
    await folder({
      'a.sql': [
        '-- reads: staging.toy',
        '-- builds: model.a',
        '-- model.in_a_comment is not read',
        "SELECT model.defer_indexes('model.not_read'), identity.refresh_from_brp(ARRAY[1]);",
        'INSERT INTO model.a SELECT * FROM staging.toy t JOIN model.undeclared u USING (id);',
      ].join('\n'),
    });
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql reads model.undeclared, which its header does not declare (-- reads: or -- builds:)');
    await writeFile(
      join(dir, 'a.sql'),
      '-- reads: staging.toy\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM staging.toy;\nSELECT * FROM identity.persoon;\n',
    );
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql reads identity.persoon, which its header does not declare');
  });

  it('refuses a write to a table the header declares only as read', async () => {
    await folder({
      'a.sql': '-- reads: staging.toy, model.b\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM staging.toy;\nTRUNCATE model.a, model.b;\n',
      'b.sql': '-- reads: staging.toy\n-- builds: model.b\nINSERT INTO model.b SELECT * FROM staging.toy;\n',
    });
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql writes model.b, which its header does not declare (-- builds:)');
  });

  it('refuses a model table built by two scripts, unless each declares its own part', async () => {
    await folder({
      'a.sql': '-- reads: staging.toy\n-- builds: model.shared\nINSERT INTO model.shared SELECT * FROM staging.toy;\n',
      'b.sql': '-- reads: staging.other\n-- builds: model.shared\nINSERT INTO model.shared SELECT * FROM staging.other;\n',
    });
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('model.shared is built by both a.sql and b.sql');
    await writeFile(
      join(dir, 'a.sql'),
      "-- reads: staging.toy\n-- builds: model.shared (part: soort = 'a')\nINSERT INTO model.shared SELECT * FROM staging.toy;\n",
    );
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('model.shared is built by both a.sql and b.sql');
    await writeFile(
      join(dir, 'b.sql'),
      "-- reads: staging.other\n-- builds: model.shared (part: soort = 'b')\nINSERT INTO model.shared SELECT * FROM staging.other;\n",
    );
    expect((await loadTransforms(dir, toySources)).map((t) => t.file)).toEqual(['a.sql', 'b.sql']);
  });

  it('refuses a read of a table no transform builds unless it is marked external, and of staging no source fills', async () => {
    await folder({
      'a.sql': '-- reads: staging.toy, model.kept_elsewhere\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM staging.toy, model.kept_elsewhere;\n',
    });
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql reads model.kept_elsewhere, which no transform builds (mark it "(external)"');
    await writeFile(
      join(dir, 'a.sql'),
      '-- reads: staging.toy, model.kept_elsewhere (external)\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM staging.toy, model.kept_elsewhere;\n',
    );
    expect((await loadTransforms(dir, toySources))[0]!.triggers).toEqual(['toy']);
    await writeFile(join(dir, 'a.sql'), '-- reads: staging.toy_view\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM staging.toy_view;\n');
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql reads staging.toy_view, which no source stages');
    await writeFile(
      join(dir, 'a.sql'),
      '-- reads: staging.toy_view (view of staging.toy)\n-- builds: model.a\nINSERT INTO model.a SELECT * FROM staging.toy_view;\n',
    );
    expect((await loadTransforms(dir, toySources))[0]!.requires).toEqual(['toy']);
  });

  it('refuses a script without a header, and a rerun on a source that does not exist', async () => {
    await folder({ 'a.sql': '-- Builds model.a.\nINSERT INTO model.a SELECT 1;\n' });
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql: the script does not start with a -- builds: header');
    await writeFile(
      join(dir, 'a.sql'),
      '-- reads: staging.toy\n-- builds: model.a\n-- reruns on: toy, nosuch\nINSERT INTO model.a SELECT * FROM staging.toy;\n',
    );
    await expect(loadTransforms(dir, toySources)).rejects.toThrow('a.sql reruns on nosuch, which is not a source (toy, other)');
  });

  it('declares in production what each script reads and builds', async () => {
    const transforms = await loadTransforms();
    expect(transforms.map((t) => [t.file, t.requires.join('+'), t.triggers.join('+')])).toEqual([
      ['10_bag.sql', 'bag', 'bag'],
      ['20_brp.sql', 'brp', 'bag+brp'],
      ['22_brp_history.sql', 'brp', 'brp'],
      ['25_identity.sql', 'brp', 'brp'],
      ['30_permits.sql', 'permits', 'bag+brp+permits'],
      ['40_damocles.sql', 'damocles', 'bag+brp+damocles'],
      ['50_meldingen.sql', 'meldingen', 'bag+meldingen'],
    ]);
  });
});

describe('rebuilding from a folder of transforms', () => {
  it('runs the planned scripts of the given folder in the order of their reads, on the run day', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pakhuis-transforms-'));
    // Named so that file order would run the reader first.
    await writeFile(
      join(dir, 'a.sql'),
      '-- reads: model.b (external), staging.b\n-- builds: model.a\nCREATE TEMP TABLE toy_a ON COMMIT DROP AS SELECT d + 1 AS d FROM toy_b;\n',
    );
    await writeFile(join(dir, 'b.sql'), '-- reads: staging.b\n-- builds: model.b\nCREATE TEMP TABLE toy_b ON COMMIT DROP AS SELECT current_date AS d;\n');
    await writeFile(join(dir, 'c.sql'), '-- reads: staging.c\n-- builds: model.c\nSELECT 1/0;\n');
    const sources = { b: { tables: { 'staging.b': [] } }, c: { tables: { 'staging.c': [] } } };
    const ctx = await createTestContext();
    try {
      // model.b is marked external in a.sql yet built by b.sql: the read still orders them.
      const ran: string[] = [];
      const day = await ctx.db.transaction(async (tx) => {
        const results = await rebuildModel(tx, new Set(['b']), new Set(['b', 'c']), '2026-03-01', (s) => ran.push(s), { dir, sources });
        expect(results.map((r) => r.script)).toEqual(['b.sql', 'a.sql']);
        return (await tx.query<{ d: string }>(`SELECT to_char(d, 'YYYY-MM-DD') AS d FROM toy_a`)).rows[0]!.d;
      });
      expect(ran).toEqual(['b.sql', 'a.sql']);
      expect(day).toBe('2026-03-02');
    } finally {
      await ctx.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write names for a register the identity function does not know', async () => {
    const ctx = await createTestContext();
    try {
      await expect(ctx.db.query(`SELECT identity.refresh_from_register('meldingen', ARRAY[1]::bigint[])`)).rejects.toThrow(
        'identity.refresh_from_register: onbekend register meldingen',
      );
    } finally {
      await ctx.close();
    }
  });
});
