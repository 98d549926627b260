import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_DEFINITIONS } from '../sources/index.ts';
import { stagingTable } from '../sources/source.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

/**
 * Each source declares its staging tables by name in TypeScript (sources/<name>/index.ts); the
 * tables themselves are made by migrations. This holds the two together, so a column renamed or
 * dropped in a migration fails here rather than in the first night that loads the source.
 */
describe('rows built by name', () => {
  it('a row missing a column or naming one the table lacks does not type-check, and COPY gets the declared order', () => {
    const table = stagingTable('staging.example', ['a', 'b']);
    // @ts-expect-error b is missing
    table.row({ a: 1 });
    // @ts-expect-error c is no column of the table
    table.row({ a: 1, b: 2, c: 3 });
    expect(table.copyLine(table.row({ b: 'y\tz', a: null }).fields, '7\t2\t')).toBe('7\t2\t\\N\ty\\tz\n');
  });

  it('a column name that is no plain SQL name is refused: the line writer is compiled from the names', () => {
    expect(() => stagingTable('staging.example', ['a', 'b); process.exit(1); (c'])).toThrow(/not a plain SQL name/);
  });
});

describe('declared staging tables against the migrated database', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx.close());

  const tables = Object.values(SOURCE_DEFINITIONS).flatMap((source) => Object.values(source.tables).map((table) => ({ source: source.name, table })));

  async function columnsOf(qualified: string): Promise<{ name: string; filled: boolean }[]> {
    const [schema, name] = qualified.split('.');
    const { rows } = await ctx.db.query<{ column_name: string; column_default: string | null }>(
      `SELECT column_name, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [schema, name],
    );
    return rows.map((r) => ({ name: r.column_name, filled: r.column_default !== null }));
  }

  it.each(tables.map(({ source, table }) => [`${source}: ${table.name}`, table] as const))('%s has every declared column', async (_, table) => {
    const actual = await columnsOf(table.name);
    expect(actual.length, `${table.name} does not exist`).toBeGreaterThan(0);
    const declared = ['load_id', 'line', ...table.columns];
    expect(new Set(declared).size, 'a column declared twice').toBe(declared.length);
    // COPY names its columns, so their order in the table does not matter; their names do.
    expect(declared.filter((c) => !actual.some((a) => a.name === c))).toEqual([]);
    // A column the declaration leaves out gets no value from a load: only one with a default may.
    expect(actual.filter((a) => !a.filled && !declared.includes(a.name)).map((a) => a.name)).toEqual([]);
  });

  it('match rates and key versions are read from columns that exist', async () => {
    for (const source of Object.values(SOURCE_DEFINITIONS)) {
      if (source.matchRates) {
        const { table, where } = source.matchRates;
        expect(
          (await columnsOf(table)).map((c) => c.name),
          `${source.name}: ${table}`,
        ).toContain('match_method');
        // The condition is SQL of the declaration: it must run against the table it is written for.
        await ctx.db.query(`SELECT count(*) FROM ${table}${where ? ` WHERE ${where}` : ''}`);
      }
      if (source.keyVersionIn) expect((await columnsOf(source.keyVersionIn.name)).map((c) => c.name)).toContain('key_version');
    }
    // Every source with pseudonyms says where their key version is; the BAG and the meldpunt have none.
    expect(
      Object.values(SOURCE_DEFINITIONS)
        .filter((s) => s.keyVersionIn)
        .map((s) => s.name),
    ).toEqual(['brp', 'permits', 'damocles']);
  });
});
