import { cp } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult } from '../pipelines/ingest/ingest.ts';
import { runPipeline, type RunSummary } from '../pipelines/run.ts';
import { createTestContext, type TestContext } from './helpers/context.ts';

/**
 * One fixture per case of issue 13, in LO3 and in Haal Centraal JSON (tests/fixtures/brp-life-events,
 * written from the element meanings; see PROVENANCE.md there). Each file is delivered as the night's
 * BRP export over one BAG file; the model of that night is then read back.
 */
const FIXTURES = new URL('./fixtures/brp-life-events/', import.meta.url).pathname;
const OBJECTS: Record<string, string> = {
  '0999010000000001': 'A',
  '0999010000000002': 'B',
  '0999010000000003': 'C',
  '0999010000000005': 'X',
};

interface Night {
  run: RunSummary;
  file: IngestResult;
  /** Per persoonslijst, its registrations oldest first: "A 1990-01-01..2020-08-01 overlijden". */
  periods: Record<string, string[]>;
  /** Residents per object letter: woonadressen, briefadressen, uncertain, matched by address. */
  residents: Record<string, { W: number; B: number; onzeker: number; viaAdres: number }>;
  record: Record<string, number>;
}

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  await cp(FIXTURES + 'bag.csv', join(ctx.config.INBOX_DIR, 'bag', 'bag.csv'));
});
afterAll(async () => ctx?.close());

async function deliver(fixture: string): Promise<Night> {
  await cp(FIXTURES + fixture, join(ctx.config.INBOX_DIR, 'brp', basename(fixture)));
  const run = await runPipeline(ctx, { trigger: 'test' });
  expect(run.status, run.error).toBe('succeeded');
  const file = run.files.find((f) => f.source === 'brp')!;
  expect(file.status).toBe('loaded');
  const { rows } = await ctx.db.query<{
    lijst: string;
    vbo: string | null;
    van: string | null;
    tot: string | null;
    door: string | null;
    onbekend: boolean;
    onzeker: boolean;
    functie: string;
  }>(
    // A readable export has no list ids: its lists are named here by the person's surname.
    `SELECT CASE WHEN i.persoonslijst IS NULL THEN p.geslachtsnaam WHEN i.persoonslijst LIKE 'a-nummer %' THEN p.geslachtsnaam || ' (A-nummer)'
                 ELSE i.persoonslijst END AS lijst,
       verblijfsobject_id AS vbo, functie_adres AS functie, to_char(geldig_van, 'YYYY-MM-DD') AS van,
       to_char(geldig_tot, 'YYYY-MM-DD') AS tot, gesloten_door AS door, einde_onbekend AS onbekend, aanvang_onzeker AS onzeker
     FROM model.inschrijving i LEFT JOIN identity.persoon p USING (pseudonym)
     ORDER BY 1, geldig_van NULLS FIRST, source_line DESC`,
  );
  const periods: Night['periods'] = {};
  for (const r of rows) {
    const text = `${OBJECTS[r.vbo ?? ''] ?? r.vbo}${r.functie === 'B' ? ' (B)' : ''} ${r.van ?? '?'}..${r.tot ?? ''}${r.door ? ` ${r.door}` : ''}${r.onbekend ? ' (einde onbekend)' : ''}${r.onzeker && !r.tot ? ' (mogelijke bewoner)' : ''}`;
    (periods[r.lijst] ??= []).push(text);
  }
  const { rows: bewoning } = await ctx.db.query<{ vbo: string; w: number; b: number; onzeker: number; adres: number }>(
    `SELECT verblijfsobject_id AS vbo, woonadressen AS w, briefadressen AS b, woonadressen_onzeker + briefadressen_onzeker AS onzeker,
       woon_via_adres + brief_via_adres AS adres FROM model.bewoning`,
  );
  const residents: Night['residents'] = {};
  for (const r of bewoning) residents[OBJECTS[r.vbo] ?? r.vbo] = { W: r.w, B: r.b, onzeker: r.onzeker, viaAdres: r.adres };
  // What must hold on every night, whatever the export: at most one current registration per
  // list, and no period ending before it starts.
  const { rows: broken } = await ctx.db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM model.inschrijving WHERE geldig_tot IS NULL
                                   GROUP BY pseudonym, persoonslijst HAVING count(*) > 1) x)::int
          + (SELECT count(*) FROM model.inschrijving WHERE geldig_tot < geldig_van)::int AS n`,
  );
  expect(broken[0]!.n).toBe(0);
  const { rows: record } = await ctx.db.query<{ brp: Record<string, number> }>(`SELECT summary->'brp' AS brp FROM pakhuis.runs WHERE id = $1`, [run.runId]);
  return { run, file, periods, residents, record: record[0]!.brp };
}

const rejected = (night: Night) => night.file.reasons.map((r) => [r.count, r.column, r.reason]);

describe('LO3: the six-line file of issue 13', () => {
  it('counts exactly the three living residents: not the emigrant, not the deceased', async () => {
    const night = await deliver('lo3/zes-regels-issue-13.csv');
    expect(night.file).toMatchObject({ rowsStaged: 6, rowsRejected: 0, kinds: [{ kind: 'in het buitenland', count: 1 }] });
    const { rows } = await ctx.db.query(
      `SELECT woonadressen, woonadressen_onzeker, woon_via_object, woon_via_adres FROM model.bewoning WHERE verblijfsobject_id = '1811011200020001'`,
    );
    // P_C (start unknown, a mogelijke bewoner), P_D (object id unknown: matched by address), P_E (birth date unknown).
    expect(rows).toEqual([{ woonadressen: 3, woonadressen_onzeker: 1, woon_via_object: 2, woon_via_adres: 1 }]);
    expect(night.periods).toEqual({
      P_A: ['1811011200020001 2012-03-05..2014-07-02 volgende_elders'],
      P_B: ['1811011200020001 1990-01-01..2020-08-01 overlijden'],
      P_C: ['1811011200020001 ?.. (mogelijke bewoner)'],
      P_D: ['1811011200020001 2000-01-01..'],
      P_E: ['1811011200020001 2000-01-01..'],
    });
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: deceased persons', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/overleden.${ext}`);
  });

  it('end every registration of a deceased person on the date of death, and leave the living', () => {
    expect(night.residents.A).toEqual({ W: 1, B: 0, onzeker: 0, viaAdres: 0 });
    expect(rejected(night)).toEqual([]);
    if (dir === 'lo3') {
      expect(night.periods).toEqual({
        // The move before the death still counts as a period (DOORGANGSADRES reads it).
        PL_OVERLEDEN: ['B 1980-01-01..1990-01-01 volgende', 'A 1990-01-01..2020-08-01 overlijden'],
        PL_LEVEND: ['A 1995-01-01..'],
        // Died on an unknown date: closed, not current; its end is the earliest it can be.
        PL_DATUM_ONBEKEND: ['A 1999-01-01..1999-01-01 overlijden (einde onbekend)'],
        // A death without a suspension (not yet processed) ends the registration all the same.
        PL_ALLEEN_OVERLEDEN: ['A (B) 2010-01-01..2023-01-15 overlijden'],
      });
      expect(night.record).toMatchObject({ overlijden: 3, einde_onbekend: 1 });
    } else {
      expect(night.periods).toEqual({
        'persoon 1': ['A 1990-01-01..2020-08-01 overlijden'],
        'persoon 2': ['A 1995-01-01..'],
        // Haal Centraal v2 may say only indicatieOverleden, without a date.
        'persoon 3': ['A 1999-01-01..1999-01-01 overlijden (einde onbekend)'],
      });
    }
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: persons abroad and vertrokken onbekend waarheen', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/geemigreerd.${ext}`);
  });

  it('load as what they are, never as rejected rows, and count only who lives here', async () => {
    expect(rejected(night)).toEqual([]);
    expect(night.file.kinds).toEqual(
      dir === 'lo3'
        ? [
            { kind: 'in het buitenland', count: 2 },
            { kind: 'vertrokken onbekend waarheen (land 0000)', count: 1 },
          ]
        : [
            { kind: 'in het buitenland', count: 2 },
            { kind: 'vertrokken onbekend waarheen (land 0000)', count: 1 },
          ],
    );
    const { rows } = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pakhuis.rejected_rows WHERE load_id = $1`, [night.file.loadId]);
    expect(rows[0]!.n).toBe(0);
    expect(night.residents.A!.W).toBe(dir === 'lo3' ? 2 : 1);
  });

  it('end the Dutch history where the address abroad begins, and let a return count again', () => {
    if (dir !== 'lo3') return; // The persons JSON carries the current verblijfplaats only.
    expect(night.periods).toEqual({
      PL_EMIGRANT: ['B 2005-01-01..2012-03-05 volgende', 'A 2012-03-05..2014-07-02 volgende_elders'],
      // 2023-01 with the day unknown: the earliest it can be.
      PL_ONBEKEND_WAARHEEN: ['A 2010-01-01..2023-01-01 volgende_elders'],
      PL_TERUGGEKEERD: ['B 2010-01-01..2015-03-01 volgende_elders', 'A 2020-06-01..'],
      PL_BLIJVER: ['A 2001-01-01..'],
    });
    // Closed across an occurrence outside the model: what the old model left open.
    expect(night.record).toMatchObject({ gesloten_door_voorkomen_elders: 3 });
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: suspended persoonslijsten', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/opgeschort.${ext}`);
  });

  it('end residence on the date of suspension, and make a list suspended for F or W never a resident', () => {
    const l = (lo3: string, json: string) => (dir === 'lo3' ? lo3 : json);
    expect(night.periods).toEqual({
      [l('PL_MINISTERIEEL', 'persoon 1')]: ['A 2000-01-01..2021-01-01 opschorting'],
      ...(dir === 'lo3' ? { PL_RNI: ['A 2000-01-01..2023-03-01 opschorting'] } : {}),
      [l('PL_REDEN_ONBEKEND', 'persoon 4')]: ['A 2000-01-01..2019-03-01 opschorting'],
      [l('PL_BIJGEHOUDEN', 'persoon 5')]: ['A 2000-01-01..'],
    });
    expect(night.residents.A).toEqual({ W: 1, B: 0, onzeker: 0, viaAdres: 0 });
    expect(night.record).toMatchObject({ lijsten_nooit_bewoner: 2 });
  });
});

describe('LO3: a history chain whose newer rows were rejected or have unknown dates', () => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver('lo3/historie-afgekeurd.csv');
  });

  it('rejects the faulty rows with their reasons', () => {
    expect(rejected(night)).toEqual([
      [1, 'datum_aanvang_adreshouding', 'maand groter dan 12'],
      [1, 'postcode', 'postcode heeft niet de vorm 1234AB'],
    ]);
  });

  it('still ends the older occurrence, so no list is current twice and nobody is current at A', () => {
    expect(night.periods).toEqual({
      // The newer row was rejected: its start, carried down by the reader, ends this one.
      PL_POSTCODE_FOUT: ['A 2010-01-01..2015-06-01 volgende_elders'],
      // The rejected newer row's date does not exist: closed, end unknown.
      PL_DATUM_FOUT: ['A 2012-01-01..2012-01-01 volgende_elders (einde onbekend)'],
      PL_VOLGENDE_ONBEKEND: ['B ?.. (mogelijke bewoner)', 'A 2008-01-01..2008-01-01 volgende (einde onbekend)'],
      // The newer occurrence starts earlier: the older one ends where it starts, not before.
      PL_VERKEERDE_VOLGORDE: ['C 2000-01-01..', 'A 2005-01-01..2005-01-01 volgende'],
    });
    expect(night.residents.A).toBeUndefined();
    expect(night.record).toMatchObject({ gesloten_door_voorkomen_elders: 2, einde_onbekend: 2, einde_voor_aanvang: 1, mogelijke_bewoners: 1 });
  });

  it('says in the run summary how many periods it had to close that way', () => {
    expect(night.run.publish!.brp).toMatchObject({ gesloten_door_voorkomen_elders: 2 });
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: standard values for unknown', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/onbekende-waarden.${ext}`);
  });

  it('loads unknown birth and start dates and all-zero ids, and counts every person as a resident', async () => {
    expect(rejected(night)).toEqual([]);
    expect(night.file.notes).toEqual([]);
    // Two starts wholly unknown (mogelijke bewoners); a year-only start of 2010 is long past its
    // uncertainty; the all-zero object id is matched by postcode and huisnummer.
    expect(night.residents.A).toEqual({ W: 5, B: 0, onzeker: dir === 'lo3' ? 1 : 2, viaAdres: 1 });
    const { rows } = await ctx.db.query<{ geboortedatum: string | null; datum_aanvang_raw: string }>(
      `SELECT geboortedatum, datum_aanvang_raw FROM staging.brp WHERE load_id = $1 ORDER BY line`,
      [night.file.loadId],
    );
    expect(rows.map((r) => r.geboortedatum)).toContain('0000-00-00');
    expect(rows.map((r) => r.datum_aanvang_raw)).toEqual(
      dir === 'lo3'
        ? ['2000-01-01', '0000-00-00', '2010-00-00', '2000-01-01', '2000-01-01']
        : ['2000-01-01', '0000-00-00', '0000-00-00', '2000-01-01', '2010-00-00'],
    );
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: an invalid optional id', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/ongeldige-id.${ext}`);
  });

  it('is dropped with a note naming the real fault, and the person is matched by address', () => {
    const kort =
      'BAG-identificatie heeft 15 cijfers in plaats van 16, en aangevuld met voorloopnullen is het geen verblijfsobject/ligplaats/standplaats (objecttypecode 90)';
    // Where each note first happened is asserted by the parallel-ingest and map tests.
    expect(night.file.notes.map(({ count, column, reason }) => ({ count, column, reason }))).toEqual(
      dir === 'lo3'
        ? [
            {
              count: 1,
              column: 'nummeraanduiding_id',
              reason: 'BAG-identificatie heeft objecttypecode 01, verwacht 20 (nummeraanduiding); genegeerd, gekoppeld op postcode en huisnummer',
            },
            { count: 1, column: 'verblijfsobject_id', reason: `${kort}; genegeerd, gekoppeld op postcode en huisnummer` },
            {
              count: 1,
              column: 'verblijfsobject_id',
              reason: 'BAG-identificatie heeft 17 cijfers; het zijn er 16; genegeerd, gekoppeld op postcode en huisnummer',
            },
            {
              count: 1,
              column: 'verblijfsobject_id',
              reason:
                'BAG-identificatie heeft objecttypecode 10, verwacht 01 of 02 of 03 (verblijfsobject/ligplaats/standplaats); genegeerd, gekoppeld op nummeraanduiding',
            },
          ]
        : [
            {
              count: 1,
              column: 'nummeraanduiding_id',
              reason: 'BAG-identificatie heeft objecttypecode 01, verwacht 20 (nummeraanduiding); genegeerd, gekoppeld op postcode en huisnummer',
            },
            { count: 1, column: 'verblijfsobject_id', reason: `${kort}; genegeerd, gekoppeld op postcode en huisnummer` },
          ],
    );
    // Without another way to find the address, the row is rejected: the length is named, not the type code.
    expect(rejected(night)).toEqual([[1, 'verblijfsobject_id', kort]]);
    // A 15-digit id that is a 16-digit one without its leading zero is simply padded.
    expect(night.residents.A).toEqual(dir === 'lo3' ? { W: 5, B: 0, onzeker: 0, viaAdres: 3 } : { W: 3, B: 0, onzeker: 0, viaAdres: 2 });
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: valid but not addressable', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/niet-adresseerbaar.${ext}`);
  });

  it('loads and counts abroad, locatiebeschrijving and pre-postcode addresses by kind, never as errors', async () => {
    expect(rejected(night)).toEqual([]);
    const kinds = Object.fromEntries(night.file.kinds.map((k) => [k.kind, k.count]));
    expect(kinds).toEqual({
      'in het buitenland': 1,
      'met een locatiebeschrijving (woonboot, woonwagen)': dir === 'lo3' ? 1 : 2,
      'met een adres zonder postcode (van vóór de postcode)': 1,
      ...(dir === 'lo3' ? { 'met een onbekend adres (standaardwaarde)': 1 } : {}),
    });
    expect(night.residents.A).toEqual({ W: 1, B: 0, onzeker: 0, viaAdres: 0 });
    // None of them is an address the BAG should know: no ADRES_ONBEKEND signal.
    const { rows } = await ctx.db.query(`SELECT subject_key FROM pakhuis.signals WHERE rule_code = 'ADRES_ONBEKEND' AND status = 'open'`);
    expect(rows).toEqual([]);
  });

  it('keeps their Dutch history where it can be matched', () => {
    if (dir !== 'lo3') return; // The persons JSON carries the current verblijfplaats only.
    expect(night.periods).toEqual({
      PL_BUITENLAND: ['A 2015-01-01..2019-03-01 volgende_elders'],
      PL_WOONBOOT: ['A 2000-01-01..2010-01-01 volgende_elders'],
      PL_VOOR_POSTCODE: ['A 2000-01-01..'],
    });
  });
});

describe('LO3: occurrences marked onjuist', () => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver('lo3/onjuist.csv');
  });

  it('are kept in staging, but never make a period, a move or a resident', async () => {
    expect(night.file.kinds).toEqual([{ kind: 'gemarkeerd als onjuist (bewaard, telt niet mee)', count: 2 }]);
    const { rows } = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM staging.brp WHERE load_id = $1 AND onjuist`, [night.file.loadId]);
    expect(rows[0]!.n).toBe(2);
    expect(night.residents.X).toBeUndefined();
    // The older real occurrence ends where the nearest newer real one begins, not at the onjuist one.
    expect(night.periods).toEqual({
      PL_GECORRIGEERD: ['B 2010-01-01..2020-01-01 volgende', 'A 2020-01-01..'],
      PL_KOPIE_ONJUIST: ['B 1988-06-01..1994-12-09 volgende', 'A 1994-12-09..'],
    });
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: two persoonslijsten with one BSN', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/dubbel-bsn.${ext}`);
  });

  it('stay two lists, each with its own history, and the person counts once per object', () => {
    if (dir === 'lo3') {
      expect(night.periods).toEqual({
        PL_EERSTE: ['B 1990-03-01..2008-07-03 volgende', 'A 2008-07-03..'],
        PL_TWEEDE: ['C 1985-01-01..1990-03-01 volgende', 'A 1990-03-01..'],
        // Lists named by digits only (an A-nummer, perhaps) are named by their first line.
        'regel 6': ['B 2010-01-01..'],
        'regel 7': ['C 2015-01-01..'],
      });
    } else {
      expect(night.periods).toEqual({ 'persoon 1': ['A 2008-07-03..'], 'persoon 2': ['A 1990-03-01..'], 'persoon 3': ['A 2000-01-01..'] });
    }
    expect(night.residents.A!.W).toBe(dir === 'lo3' ? 1 : 2);
  });

  it('give a warning that names the lists, never the BSN or an A-nummer', () => {
    const warning = night.run.warnings.find((w) => w.includes('persoonslijst'));
    expect(warning).toBe(
      dir === 'lo3'
        ? "brp/dubbel-bsn.csv: 2 BSN's staan op meer dan één persoonslijst (dubbele inschrijving, uit te zoeken): PL_EERSTE (regel 2) en PL_TWEEDE (regel 4); regel 6 en regel 7. De lijsten blijven gescheiden; een persoon telt één keer per object."
        : 'brp/dubbel-bsn.json: 1 BSN staat op meer dan één persoonslijst (dubbele inschrijving, uit te zoeken): persoon 1 (regel 1) en persoon 2 (regel 2). De lijsten blijven gescheiden; een persoon telt één keer per object.',
    );
    const stored = JSON.stringify(night.run.warnings);
    expect(stored).not.toMatch(/99997\d{4}|10000000\d\d/);
  });
});

describe.each([
  ['lo3', 'csv'],
  ['json', 'json'],
] as const)('%s: vastgesteld verblijft niet op adres (089999, 589999)', (dir, ext) => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver(`${dir}/niet-op-adres.${ext}`);
  });

  it('ends residence from the date the investigation began, unless the investigation has ended', () => {
    const l = (lo3: string, json: string) => (dir === 'lo3' ? lo3 : json);
    expect(night.periods).toEqual({
      [l('PL_VASTGESTELD', 'persoon 1')]: ['A 2020-08-18..2022-05-26 niet_op_adres'],
      [l('PL_ONDERZOEK_KLAAR', 'persoon 2')]: ['A 2020-08-18..'],
      // Another investigation (080000: the whole verblijfplaats) says nothing about living there.
      [l('PL_ANDER_ONDERZOEK', 'persoon 3')]: ['A 2020-08-18..'],
      ...(dir === 'lo3'
        ? { PL_HISTORISCH: ['A 2020-08-18..2022-05-26 niet_op_adres', 'B 2023-01-01..'] }
        : { 'persoon 4': ['A 2020-08-18..2022-05-26 niet_op_adres'] }),
    });
    expect(night.residents.A).toEqual({ W: 2, B: 0, onzeker: 0, viaAdres: 0 });
  });
});

describe('readable CSV with the life-event columns', () => {
  let night: Night;
  beforeAll(async () => {
    night = await deliver('csv/leesbaar.csv');
  });

  it('means what the LO3 elements mean: death, suspension, abroad, a locatiebeschrijving, two A-nummers', () => {
    expect(night.file.format).toBe('brp-csv');
    expect(rejected(night)).toEqual([[1, 'postcode', 'postcode heeft niet de vorm 1234AB']]);
    expect(night.file.kinds).toEqual([
      { kind: 'in het buitenland', count: 1 },
      { kind: 'met een locatiebeschrijving (woonboot, woonwagen)', count: 1 },
    ]);
    expect(night.periods).toEqual({
      Doedenaar: ['A 1990-01-01..2020-08-01 overlijden'],
      Levenslust: ['A 1995-01-01..'],
      'Dubbel (A-nummer)': ['A 1990-03-01..', 'A 2008-07-03..'],
      // The staged row abroad ends the older one; no reader carried it here.
      Vertrekker: ['A 2012-03-05..2014-07-02 volgende_elders'],
      // The newer row was rejected and this reader cannot carry its start: closed, end unknown.
      'Kapot (A-nummer)': ['A 2010-01-01..2010-01-01 volgende_elders (einde onbekend)'],
    });
    expect(night.residents.A).toEqual({ W: 2, B: 0, onzeker: 0, viaAdres: 0 });
    expect(night.run.warnings.find((w) => w.includes('persoonslijst'))).toBe(
      'brp/leesbaar.csv: 1 BSN staat op meer dan één persoonslijst (dubbele inschrijving, uit te zoeken): regel 5 en regel 6. De lijsten blijven gescheiden; een persoon telt één keer per object.',
    );
  });

  it('keeps an A-nummer, like a BSN, out of the rejected row and out of staging', async () => {
    const { rows } = await ctx.db.query<{ raw: Record<string, string> }>('SELECT raw FROM pakhuis.rejected_rows WHERE load_id = $1', [night.file.loadId]);
    expect(rows.map((r) => [r.raw.bsn, r.raw.a_nummer])).toEqual([[expect.stringMatching(/^pseudoniem:[0-9a-f]{64}$/), '[gemaskeerd, 10 tekens]']]);
    const { rows: staged } = await ctx.db.query<{ persoonslijst: string }>(
      `SELECT DISTINCT persoonslijst FROM staging.brp WHERE load_id = $1 AND persoonslijst IS NOT NULL`,
      [night.file.loadId],
    );
    expect(staged).toHaveLength(3);
    expect(JSON.stringify(staged)).not.toMatch(/10000000\d\d/);
    for (const r of staged) expect(r.persoonslijst).toMatch(/^a-nummer [0-9a-f]{64}$/);
  });
});

describe('a pl id or A-nummer is a label, not a person', () => {
  it.each(['lo3/een-pl-id-twee-personen.csv', 'csv/een-a-nummer-twee-personen.csv'])(
    'two persons under one list id in %s both stay residents',
    async (fixture) => {
      const night = await deliver(fixture);
      expect(rejected(night)).toEqual([]);
      // Keyed by the list id alone, the second person's current row replaced the first one's.
      expect(night.residents.A).toMatchObject({ W: 1 });
      expect(night.residents.B).toMatchObject({ W: 1 });
      if (fixture.startsWith('lo3')) expect(night.periods.PL_X).toEqual(['C 2000-01-01..2010-01-01 volgende', 'A 2010-01-01..', 'B 2015-01-01..']);
      const file = basename(fixture);
      expect(night.run.warnings.find((w) => w.includes('persoonslijst-id'))).toBe(
        `brp/${file}: 1 persoonslijst-id hoort bij meer dan één BSN (samengevoegde exports of een verkeerd A-nummer, uit te zoeken): ${fixture.startsWith('lo3') ? 'PL_X (regel 2)' : 'regel 2'}. Elk BSN blijft een eigen persoon.`,
      );
    },
  );

  it('a pl id that holds a BSN is named by its line in the warning, like one of digits only', async () => {
    const night = await deliver('lo3/pl-id-met-bsn.csv');
    expect(night.run.warnings.find((w) => w.includes('persoonslijst'))).toBe(
      'brp/pl-id-met-bsn.csv: 1 BSN staat op meer dan één persoonslijst (dubbele inschrijving, uit te zoeken): regel 2 en regel 3. De lijsten blijven gescheiden; een persoon telt één keer per object.',
    );
    expect(JSON.stringify(night.run.warnings)).not.toMatch(/99997\d{4}/);
  });

  it('a readable export without historie_index that lists the newest address first keeps that one current', async () => {
    const night = await deliver('csv/zonder-historie-index.csv');
    // Both rows are index 0; the last line (the address left in 2020) used to win.
    expect(night.periods).toEqual({ Een: ['A 2020-01-01..'] });
    expect(night.residents.A).toMatchObject({ W: 1 });
    expect(night.residents.B).toBeUndefined();
  });

  it('JSON: land 6030 (Nederland) beside a Dutch address is not abroad, and keeps its start date', async () => {
    const night = await deliver('json/land-nederland.json');
    expect(night.file.kinds).toEqual([]);
    expect(night.periods).toEqual({ 'persoon 1': ['A 2010-01-01..'] });
    expect(night.residents.A).toEqual({ W: 1, B: 0, onzeker: 0, viaAdres: 0 });
  });
});
