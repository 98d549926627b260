import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationOrderError } from '../lib/errors.ts';
import { openDatabase } from '../lib/db.ts';
import { listMigrations, migrate } from '../lib/migrate.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

describe('migrations', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('are numbered plain SQL files, recorded once each', async () => {
    const files = await listMigrations();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.map((f) => f.id)).toEqual([...files.map((f) => f.id)].sort((a, b) => a - b));
    const { rows } = await ctx.db.query<{ id: number }>('SELECT id FROM pakhuis_meta.migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(files.map((f) => f.id));
  });

  it('are a no-op the second time', async () => {
    expect(await migrate(ctx.db)).toEqual([]);
  });

  it('apply once when two processes start at once', async () => {
    if (!ctx.url) return; // PGlite is one process and one connection: nothing can race there.
    await ctx.db.exec('DROP SCHEMA pakhuis, staging, model, identity, signals, reident, audit, pakhuis_meta CASCADE');
    const a = await openDatabase({ url: ctx.url });
    const b = await openDatabase({ url: ctx.url });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const total = (await listMigrations()).length;
      expect(ra.length + rb.length).toBe(total);
      const { rows } = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pakhuis_meta.migrations');
      expect(rows[0]!.n).toBe(total);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuse a migration numbered below the newest applied one', async () => {
    const dir = join(ctx.dir, 'migrations');
    await mkdir(dir, { recursive: true });
    const files = await listMigrations();
    for (const m of files) await writeFile(join(dir, m.name), m.sql);
    // Numbered in a gap below the newest: a database migrated before would run it after the rest.
    const gap = [...Array(files.at(-1)!.id).keys()].find((n) => n > 0 && !files.some((f) => f.id === n))!;
    await writeFile(join(dir, `${String(gap).padStart(4, '0')}_late.sql`), 'CREATE TABLE pakhuis.late (id int);');
    await expect(migrate(ctx.db, undefined, { dir: dir + '/' })).rejects.toThrow(MigrationOrderError);
    const { rows } = await ctx.db.query(`SELECT to_regclass('pakhuis.late') AS t`);
    expect(rows[0]).toEqual({ t: null });
  });

  it('roll back a failing migration whole', async () => {
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.exec('CREATE TABLE pakhuis.half_done (id int)');
        await tx.exec('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow(/no_such_table/);
    const { rows } = await ctx.db.query(`SELECT to_regclass('pakhuis.half_done') AS t`);
    expect(rows[0]).toEqual({ t: null });
  });
});
