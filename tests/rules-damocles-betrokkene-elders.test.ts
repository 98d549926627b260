import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rule from '../rules/damocles-betrokkene-elders.ts';
import { runPipeline } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';
import { day, freshBsn, obj, writeInbox, type Person } from './helpers/registers.ts';

interface Signal {
  subject_key: string;
  verblijfsobject_id: string;
  severity: string;
  score: string;
  evidence: Record<string, any>;
  explanation: string;
}

/** The same day n years ago, minus extra days. */
function yearsAgo(years: number, extraDays = 0): Date {
  const d = day(-extraDays);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

describe('DAMOCLES_BETROKKENE_ELDERS: owner or tenant of a Damocles case elsewhere in the municipality', () => {
  let ctx: TestContext;
  const closed = obj(10, 'winkelfunctie');
  const ownerHome = obj(11);
  const bar = obj(12, 'bijeenkomstfunctie');
  const homeWithCase = obj(13);
  const oldCase = obj(14, 'winkelfunctie');
  const edgeCase = obj(15, 'winkelfunctie');
  const expiredShop = obj(16, 'winkelfunctie');
  const owner: Person = { bsn: freshBsn(), naam: 'Pandeigenaar', stays: [{ obj: ownerHome, since: day(-3000) }] };
  const tenantAtHome: Person = { bsn: freshBsn(), naam: 'Thuishuurder', stays: [{ obj: homeWithCase, since: day(-3000) }] };
  const oldOwner: Person = { bsn: freshBsn(), naam: 'Oudeeigenaar', stays: [{ obj: ownerHome, since: day(-3000) }] };
  const edgeOwner: Person = { bsn: freshBsn(), naam: 'Randeigenaar', stays: [{ obj: ownerHome, since: day(-3000) }] };
  const TENANT_KVK = '12345678';
  const EXPIRED_KVK = '23456789';

  beforeAll(async () => {
    ctx = await createTestContext();
    await writeInbox(ctx.config.INBOX_DIR, {
      bag: [closed, ownerHome, bar, homeWithCase, oldCase, edgeCase, expiredShop],
      brp: [owner, tenantAtHome, oldOwner, edgeOwner],
      permits: [
        { zaak: 'V-1', type: 'Exploitatievergunning', obj: bar, kvk: TENANT_KVK, naam: 'Bar Centraal B.V.', van: day(-400) },
        // The tenant's own permit on the closed premises is not "elsewhere".
        { zaak: 'V-2', type: 'Alcoholwet', obj: closed, kvk: TENANT_KVK, naam: 'Bar Centraal B.V.', van: day(-400) },
        { zaak: 'V-3', type: 'Exploitatievergunning', obj: expiredShop, kvk: EXPIRED_KVK, van: day(-2000), tot: day(-1) },
        { zaak: 'V-4', type: 'Exploitatievergunning', obj: bar, bsn: tenantAtHome.bsn, naam: 'Thuishuurder', van: day(-400), status: 'ingetrokken' },
      ],
      damocles: [
        {
          zaak: 'D-1',
          obj: closed,
          type: 'lokaal',
          start: day(-200),
          einde: day(-110),
          eigenaarBsn: owner.bsn,
          eigenaar: 'Pandeigenaar',
          huurderKvk: TENANT_KVK,
          huurder: 'Bar Centraal B.V.',
        },
        // Tenant registered at the case address itself; company with an expired permit elsewhere; a withdrawn permit elsewhere.
        { zaak: 'D-2', obj: homeWithCase, besluit: 'waarschuwing', constatering: day(-30), huurderBsn: tenantAtHome.bsn, eigenaarKvk: EXPIRED_KVK },
        // Last activity five years and a day ago, and five years less a day ago.
        { zaak: 'D-3', obj: oldCase, besluit: 'waarschuwing', constatering: yearsAgo(5, 1), eigenaarBsn: oldOwner.bsn },
        { zaak: 'D-4', obj: edgeCase, besluit: 'waarschuwing', constatering: yearsAgo(5, -1), eigenaarBsn: edgeOwner.bsn },
      ],
    });
    const run = await runPipeline(ctx, { trigger: 'test' });
    expect(run.status).toBe('succeeded');
    expect(run.files.map((f) => [f.source, f.status, f.rowsRejected])).toEqual([
      ['bag', 'loaded', 0],
      ['brp', 'loaded', 0],
      ['permits', 'loaded', 0],
      ['damocles', 'loaded', 0],
    ]);
  });
  afterAll(async () => ctx?.close());

  const signals = async () =>
    (await ctx.db.query<Signal>(`SELECT * FROM pakhuis.signals WHERE rule_code = 'DAMOCLES_BETROKKENE_ELDERS' AND status = 'open'`)).rows.sort((a, b) =>
      a.subject_key.localeCompare(b.subject_key),
    );

  it('flags the owner registered elsewhere and the tenant company with a permit elsewhere', async () => {
    const rows = await signals();
    expect(rows.map((r) => r.subject_key)).toEqual(['D-1/eigenaar', 'D-1/huurder', 'D-4/eigenaar']);
    const [eigenaar, huurder] = rows as [Signal, Signal];
    expect(eigenaar).toMatchObject({ verblijfsobject_id: closed.id, severity: 'midden' });
    expect(eigenaar.evidence).toMatchObject({
      damocles_zaak: 'D-1',
      rol: 'eigenaar',
      damocles_object: closed.id,
      partijen: [{ pseudoniem: ctx.pseudonymizer.pseudonymise(owner.bsn) }],
      elders: [{ soort: 'inschrijving', verblijfsobject_id: ownerHome.id, functie_adres: 'W' }],
    });
    expect(eigenaar.explanation).toBe(
      `De eigenaar van Damocles-zaak D-1 (sluiting) komt elders in de gemeente voor: ingeschreven op ${ownerHome.postcode} ${ownerHome.huisnummer}.`,
    );

    expect(huurder).toMatchObject({ verblijfsobject_id: closed.id, severity: 'hoog' });
    expect(huurder.evidence).toMatchObject({
      partijen: [{ kvk: TENANT_KVK }],
      elders: [{ soort: 'vergunning', vergunning: 'V-1', vergunning_type: 'exploitatievergunning', verblijfsobject_id: bar.id }],
    });
    expect(huurder.evidence.elders).toHaveLength(1);
    expect(huurder.explanation).toContain('houder van exploitatievergunning (zaak V-1)');
  });

  it('ignores the case address itself, expired and withdrawn permits, and cases older than five years', async () => {
    const subjects = (await signals()).map((r) => r.subject_key);
    expect(subjects.filter((s) => s.startsWith('D-2') || s.startsWith('D-3'))).toEqual([]);
  });

  it('looks back further when the window is widened', async () => {
    const { resolveRule } = await import('../rules/rule.ts');
    const wide = resolveRule(rule, { maxJaren: 6 });
    const { rows } = await ctx.db.query<{ subject_key: string }>(`SELECT subject_key FROM (${wide.boundSql}) s`, wide.values);
    expect(rows.map((r) => r.subject_key).sort()).toEqual(['D-1/eigenaar', 'D-1/huurder', 'D-3/eigenaar', 'D-4/eigenaar']);
  });

  it('never puts names or BSNs in a signal', async () => {
    const text = JSON.stringify(await signals());
    for (const p of [owner, tenantAtHome, edgeOwner]) {
      expect(text).not.toContain(p.naam);
      expect(text).not.toContain(p.bsn);
    }
  });
});
