import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLine } from '../lib/db.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

describe('COPY text lines', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('escapes what COPY text format would misread, and nothing else', () => {
    expect(copyLine(['a', 1, true, null, undefined, ''])).toBe('a\t1\ttrue\t\\N\t\\N\t\n');
    expect(copyLine(['back\\slash', 'tab\there', 'new\nline', 'cr\r\n'])).toBe('back\\\\slash\ttab\\there\tnew\\nline\tcr\\r\\n\n');
    expect(copyLine(['x', null], '7\t3\t')).toBe('7\t3\tx\t\\N\n');
  });

  it('round-trips awkward text through a real COPY unchanged', async () => {
    const values = ['plain', 'back\\slash', 'tab\there', 'new\nline', 'cr\r\nlf', '\\N', 'é ü ĳ 😀', '', ' spaces ', '\\'];
    await ctx.db.withSession(async (session) => {
      await session.exec('CREATE TEMP TABLE copy_line_check (i integer, v text)');
      async function* lines() {
        // The index goes in as a lead, as the loader puts its load id and line number first.
        for (let i = 0; i < values.length; i++) yield copyLine([values[i]], `${i}\t`);
        yield copyLine([values.length, null]);
      }
      expect(await session.copyIn('copy_line_check', ['i', 'v'], lines())).toBe(values.length + 1);
      const { rows } = await session.query<{ i: number; v: string | null }>('SELECT i, v FROM copy_line_check ORDER BY i');
      expect(rows.map((r) => r.v)).toEqual([...values, null]);
    });
  });

  it('takes COPY text as bytes cut anywhere, also inside a character (a spool file is read a megabyte at a time)', async () => {
    const values = ['Kälberstraße', 'ĳsselstein', '😀 vier bytes', 'plain'];
    const bytes = Buffer.from(values.map((v, i) => copyLine([v], `${i}\t`)).join(''));
    // Every cut that splits a multi-byte character, and one byte at a time.
    const cuts = [...Array(bytes.length).keys()].filter((k) => k > 0 && (bytes[k]! & 0xc0) === 0x80);
    expect(cuts.length).toBeGreaterThan(5);
    for (const pieces of [
      cuts.map((k, n) => bytes.subarray(n === 0 ? 0 : cuts[n - 1], k)).concat(bytes.subarray(cuts.at(-1))),
      [...bytes].map((b) => Buffer.of(b)),
    ]) {
      expect(Buffer.concat(pieces)).toEqual(bytes);
      await ctx.db.withSession(async (session) => {
        await session.exec('DROP TABLE IF EXISTS copy_bytes_check; CREATE TEMP TABLE copy_bytes_check (i integer, v text)');
        async function* chunks() {
          yield* pieces;
        }
        expect(await session.copyIn('copy_bytes_check', ['i', 'v'], chunks())).toBe(values.length);
        const { rows } = await session.query<{ v: string }>('SELECT v FROM copy_bytes_check ORDER BY i');
        expect(rows.map((r) => r.v)).toEqual(values);
      });
    }
  });
});
