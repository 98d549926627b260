import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, freshBsn, obj, writeInbox, type Person } from './helpers/registers.ts';

describe('names and BSNs from the permit and Damocles registers', () => {
  let ctx: TestContext;
  const home = obj(50);
  const shop = obj(51, 'kantoorfunctie');
  const closed = obj(52);
  const resident: Person = { bsn: freshBsn(), naam: 'Brpnaam', stays: [{ obj: home, since: day(-900) }] };
  const holderOnly = freshBsn();
  const soleTrader = freshBsn();
  const owner = freshBsn();
  const PERSON_NAMES = ['Registernaam', 'Alleenvergunningnaam', 'Zzpnaam', 'Damoclesnaam', 'Anderenaam', 'Brpnaam'];
  const BSNS = [resident.bsn, holderOnly, soleTrader, owner];

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [home, shop, closed],
      brp: [resident],
      permits: [
        { zaak: 'V-1', type: 'exploitatievergunning', obj: shop, bsn: resident.bsn, naam: 'Registernaam', van: day(-10) },
        { zaak: 'V-2', type: 'kamerverhuur', obj: home, bsn: holderOnly, naam: 'Alleenvergunningnaam', van: day(-10) },
        { zaak: 'V-3', type: 'alcoholwetvergunning', obj: shop, kvk: '55555555', naam: 'Bedrijfsnaam B.V.', van: day(-10) },
        // A sole trader: the name next to BSN and KvK may be the person's own, so it is not a company name.
        { zaak: 'V-4', type: 'exploitatievergunning', obj: shop, bsn: soleTrader, kvk: '66666666', naam: 'Zzpnaam', van: day(-10) },
      ],
      damocles: [
        { zaak: 'D-1', obj: closed, start: day(-20), duur: 3, eigenaarBsn: owner, eigenaar: 'Damoclesnaam', huurderBsn: resident.bsn, huurder: 'Anderenaam' },
      ],
    });
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => ctx?.close());

  it('keeps them out of every model table, and out of signals', async () => {
    const { rows: tables } = await ctx.db.query<{ name: string }>(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema IN ('model', 'signals') OR (table_schema = 'pakhuis' AND table_name = 'signals')`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['model.vergunning', 'model.damocles_zaak', 'model.partij', 'pakhuis.signals']));
    let dump = '';
    for (const { name } of tables) dump += JSON.stringify((await ctx.db.query(`SELECT * FROM ${name}`)).rows);
    for (const secret of [...PERSON_NAMES, ...BSNS]) expect(dump).not.toContain(secret);
    // The signals did run over these people: the test would prove nothing otherwise.
    const { rows } = await ctx.db.query<{ rule_code: string }>(`SELECT DISTINCT rule_code FROM pakhuis.signals ORDER BY 1`);
    expect(rows.map((r) => r.rule_code)).toEqual(expect.arrayContaining(['DAMOCLES_BETROKKENE_ELDERS', 'HORECA_GEEN_PASSENDE_FUNCTIE', 'VERGUNNING_BIBOB']));
  });

  it('stores parties by pseudonym or KvK number, with a company name only where no BSN stands next to it', async () => {
    const { rows } = await ctx.db.query<Record<string, unknown>>(
      `SELECT zaak_soort, zaaknummer, rol, pseudonym, kvk, bedrijfsnaam FROM model.partij ORDER BY zaaknummer, rol, kvk NULLS FIRST`,
    );
    const p = (bsn: string) => ctx.pseudonymizer.pseudonymise(bsn);
    expect(rows).toEqual([
      { zaak_soort: 'damocles', zaaknummer: 'D-1', rol: 'eigenaar', pseudonym: p(owner), kvk: null, bedrijfsnaam: null },
      { zaak_soort: 'damocles', zaaknummer: 'D-1', rol: 'huurder', pseudonym: p(resident.bsn), kvk: null, bedrijfsnaam: null },
      { zaak_soort: 'vergunning', zaaknummer: 'V-1', rol: 'houder', pseudonym: p(resident.bsn), kvk: null, bedrijfsnaam: null },
      { zaak_soort: 'vergunning', zaaknummer: 'V-2', rol: 'houder', pseudonym: p(holderOnly), kvk: null, bedrijfsnaam: null },
      { zaak_soort: 'vergunning', zaaknummer: 'V-3', rol: 'houder', pseudonym: null, kvk: '55555555', bedrijfsnaam: 'Bedrijfsnaam B.V.' },
      { zaak_soort: 'vergunning', zaaknummer: 'V-4', rol: 'houder', pseudonym: p(soleTrader), kvk: null, bedrijfsnaam: null },
      { zaak_soort: 'vergunning', zaaknummer: 'V-4', rol: 'houder', pseudonym: null, kvk: '66666666', bedrijfsnaam: null },
    ]);
  });

  it('puts person names in identity.persoon only, never over a BRP name', async () => {
    const { rows } = await ctx.db.query<{ pseudonym: string; geslachtsnaam: string | null; naam: string | null; bron: string }>(
      `SELECT pseudonym, geslachtsnaam, naam, bron FROM identity.persoon`,
    );
    const byPseudonym = new Map(rows.map((r) => [r.pseudonym, r]));
    const get = (bsn: string) => byPseudonym.get(ctx.pseudonymizer.pseudonymise(bsn));
    expect(get(resident.bsn)).toMatchObject({ geslachtsnaam: 'Brpnaam', naam: null, bron: 'brp' });
    expect(get(holderOnly)).toMatchObject({ naam: 'Alleenvergunningnaam', bron: 'permits' });
    expect(get(soleTrader)).toMatchObject({ naam: 'Zzpnaam', bron: 'permits' });
    expect(get(owner)).toMatchObject({ naam: 'Damoclesnaam', bron: 'damocles' });
    expect(rows).toHaveLength(4);
  });

  it('removes a name from identity once the register no longer names the person', async () => {
    await writeInbox(ctx.config.INBOX_DIR, {
      permits: [{ zaak: 'V-1', type: 'exploitatievergunning', obj: shop, bsn: resident.bsn, naam: 'Registernaam', van: day(-10) }],
    });
    expect((await runPipeline(ctx, { trigger: 'test' })).status).toBe('succeeded');
    const { rows } = await ctx.db.query<{ pseudonym: string; bron: string }>(`SELECT pseudonym, bron FROM identity.persoon ORDER BY bron`);
    const p = (bsn: string) => ctx.pseudonymizer.pseudonymise(bsn);
    expect(rows).toEqual(
      expect.arrayContaining([
        { pseudonym: p(resident.bsn), bron: 'brp' },
        { pseudonym: p(owner), bron: 'damocles' },
      ]),
    );
    expect(rows.map((r) => r.pseudonym)).not.toContain(p(holderOnly));
    expect(rows.map((r) => r.pseudonym)).not.toContain(p(soleTrader));
    expect(rows).toHaveLength(2);
  });

  it('keeps them out of the log', () => {
    const log = ctx.logOutput.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [...PERSON_NAMES, ...BSNS]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/\b\d{9}\b/);
  });
});
