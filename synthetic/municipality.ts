import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Lines, openBrpWriter, type BrpFormat, type Occurrence, type SyntheticPerson } from './brp-writers.ts';
import { between, bsnFor, pick, rng } from './random.ts';
import { generateMeldpunt, type MeldingAddress } from './meldingen.ts';
import { generateRegisters, type SampleAddress } from './registers.ts';

/**
 * A synthetic municipality written as the exports a real one delivers: BAG as NLExtract CSV, BRP
 * as a readable-header CSV from Dutch Excel (`;`), a GBA-V selection in LO3 columns or Haal
 * Centraal JSON. Deterministic for a seed, streamed to disk so that national scale never sits in
 * memory. Anomalies are planted at known addresses, so a run can prove it finds them.
 *
 * In LO3 and JSON the municipality also has the BRP's life events (issue 13): deceased, emigrated
 * and suspended persons registered where their presence would tip a near miss into a signal, a
 * list suspended as fout, a second list with a resident's BSN, unknown dates and all-zero ids on
 * a planted overcrowded home that is flagged only if every one of them counts, woonboten, and (LO3)
 * an occurrence marked onjuist that would make a near-miss doorgangsadres if it counted as a move.
 * The readable CSV has no columns for them and stays as it was, so benchmark figures compare.
 */
export interface MunicipalityOptions {
  residents: number;
  /**
   * Verblijfsobjecten to generate (more when the planted cases need more). Default 0.45 per
   * resident, as in Woerden; the country as a whole has 9.9 million for 17.9 million residents
   * (0.55), because of its offices, shops and sheds.
   */
  verblijfsobjecten?: number;
  seed?: number;
  gemeentecode?: string;
  woonplaats?: string;
  /** First four digits of the postcodes (Woerden 3440, Oudewater 3420): two towns never share one. */
  postcodeBase?: number;
  /**
   * Added to every person's number (BSN, persoonslijst) and to the registers' outsiders and
   * companies: a second town gets persons of its own, and shares one only where it is planted.
   */
  personOffset?: number;
  /**
   * The day the planted moves are dated back from (ISO date, default today). DOORGANGSADRES counts
   * moves in the months before the day of the run, so the demo plants them relative to it; the
   * output is deterministic for a seed and a peildatum.
   */
  peildatum?: string;
  /**
   * Persons of another municipality who hold a permit here (a Damocles owner there with a bar
   * here): the case only an agreement between the two lets a rule see (SAMENWERKING).
   */
  outsideHolders?: { bsn: string; naam: string }[];
  /** How the BRP export is written (default csv, which the benchmark uses). */
  brpFormat?: BrpFormat;
}

export interface Planted {
  overbewoning: string[];
  /** Crowded, but within the norm: must not be flagged. */
  nearMiss: string[];
}

export interface GeneratedMunicipality {
  files: { bag: string; brp: string; registers: string[]; meldingen: string };
  /** Planted cases per rule code, as subject keys (usually verblijfsobject ids). */
  plantedByRule: Record<string, string[]>;
  /** Per rule code, subject keys planted just under the threshold or exempt: a run must not flag them. */
  nearMissByRule: Record<string, string[]>;
  /** Free texts of the meldpunt that name people or hold a formula: they must stay in the analysts' views. */
  sensitiveMeldingTexts: string[];
  residents: number;
  verblijfsobjecten: number;
  planted: Planted;
  /** Owners (persons) of this town's Damocles cases planted for DAMOCLES_BETROKKENE_ELDERS. */
  damoclesOwners: { bsn: string; naam: string; subject: string }[];
  /** Permits held by `outsideHolders`: VERGUNNING_BIBOB only under an agreement. */
  outsideHolderPermits: string[];
}

const STRATEN = [
  'Rijnstraat',
  'Kerkweg',
  'Molenvliet',
  'Hoge Woerd',
  'Leidsestraatweg',
  'Singel',
  'Oudeland',
  'Waardsebrug',
  'Boerendijk',
  'Jan van Beierenweg',
  'Tournoysveld',
  'Bekkerlaan',
  'Wagenstraat',
  'Havenstraat',
  'Emmakade',
  'Schilderskwartier',
];
const ACHTERNAMEN = [
  'de Jong',
  'Jansen',
  'de Vries',
  'van den Berg',
  'van Dijk',
  'Bakker',
  'Janssen',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Leeuwen',
  'Dekker',
  'Brouwer',
  'Yilmaz',
  'Kaya',
  'El Amrani',
  'Nowak',
  'Kowalski',
];
const VOORNAMEN = [
  'Jan',
  'Maria',
  'Pieter',
  'Anna',
  'Willem',
  'Sanne',
  'Daan',
  'Emma',
  'Mohammed',
  'Fatima',
  'Piotr',
  'Agnieszka',
  'Lucas',
  'Julia',
  'Sem',
  'Tess',
  'Ahmet',
  'Elif',
];

const BAG_HEADER =
  'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';

interface Address {
  id: string;
  numId: string;
  postcode: string;
  huisnummer: number;
  huisletter: string;
}

interface Vbo extends Address {
  straat: string;
  doel: string;
  oppervlakte: number;
  status: string;
}

/** An earlier address of a person (a BRP history row); ids are left out for addresses outside the municipality. */
interface EarlierAddress {
  address: Omit<Address, 'id' | 'numId'> & Partial<Pick<Address, 'id' | 'numId'>>;
  since: string;
  functie?: 'W' | 'B';
  /** Marked onjuist (08.84.10): a wrong address that was corrected, never a residence. */
  onjuist?: boolean;
}

interface PersonOptions {
  functie?: 'W' | 'B';
  since?: string;
  history?: EarlierAddress[];
  /** Always (or never) carry the BAG ids, instead of every other person; 'nullen' gives the standard value for unknown. */
  withIds?: boolean | 'nullen';
  /** JJJJMMDD instead of a random birth date (00000000: unknown). */
  birth?: string;
  fate?: 'levend' | 'overleden' | 'geemigreerd' | 'opgeschort' | 'fout';
  /** A locatiebeschrijving (woonboot, woonwagen) instead of the address. */
  locatie?: string;
}

const NIET_IN_GEBRUIK = [
  'Verblijfsobject ingetrokken',
  'Verblijfsobject buiten gebruik',
  'Niet gerealiseerd verblijfsobject',
  'Verblijfsobject ten onrechte opgevoerd',
  'Verblijfsobject gevormd',
];
const GEEN_WOONDOEL = ['kantoorfunctie', 'winkelfunctie', 'bijeenkomstfunctie', 'industriefunctie'];

export async function generateMunicipality(dir: string, options: MunicipalityOptions): Promise<GeneratedMunicipality> {
  const random = rng(options.seed ?? 20_240_601);
  const gemeente = options.gemeentecode ?? '0632';
  const personOffset = options.personOffset ?? 0;
  const woonplaats = options.woonplaats ?? 'Woerden';
  const peildatum = Date.parse(options.peildatum ?? new Date().toISOString().slice(0, 10));
  /** A date `days` before the peildatum, as Dutch Excel writes it. */
  const daysBefore = (days: number) => {
    const d = new Date(peildatum - days * 86_400_000);
    return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
  };
  await mkdir(join(dir, 'bag'), { recursive: true });
  await mkdir(join(dir, 'brp'), { recursive: true });
  const format = options.brpFormat ?? 'csv';
  const lifeEvents = format !== 'csv';
  const files = { bag: join(dir, 'bag', `bag-adressen-${gemeente}.csv`), brp: join(dir, 'brp', `brp-${gemeente}.${format === 'json' ? 'json' : 'csv'}`) };
  const bag = new Lines(createWriteStream(files.bag));
  const brp = await openBrpWriter(format, files.brp, gemeente);
  await bag.push(BAG_HEADER);

  // Planted addresses come first in the id sequence so they exist at any scale: one block of
  // `plantedCount` objects per planted case or near miss.
  const baseCount = Math.max(50, Math.round(options.verblijfsobjecten ?? options.residents * 0.45));
  const plantedCount = Math.max(3, Math.min(200, Math.round(baseCount / 1000)));
  let nextBlock = 0;
  const block = (size = plantedCount) => {
    const start = nextBlock;
    nextBlock += size;
    return { start, end: nextBlock, has: (i: number) => i >= start && i < start + size };
  };
  const B = {
    overbewoning: block(),
    overbewoningNear: block(),
    geenWoonfunctie: block(),
    geenWoonfunctieNear: block(),
    nietInGebruik: block(),
    nietInGebruikNear: block(),
    doorgang: block(),
    doorgangNear: block(),
    // Where the people who left a (near) doorgangsadres live now: one home per object they left.
    nieuwThuis: block(plantedCount * 2),
    briefadres: block(),
    briefadresNear: block(),
    // Overcrowded only when persons with unknown dates and unknown ids count, as they must.
    overbewoningOnbekend: block(lifeEvents ? plantedCount : 0),
  };
  const firstOrdinary = nextBlock;
  const vboCount = Math.max(baseCount, firstOrdinary + 10);
  const side = Math.ceil(Math.sqrt(vboCount));
  const planted: Planted = { overbewoning: [], nearMiss: [] };
  const plantedByRule: Record<string, string[]> = {
    OVERBEWONING: planted.overbewoning,
    GEEN_WOONFUNCTIE: [],
    OBJECT_NIET_IN_GEBRUIK: [],
    ADRES_ONBEKEND: [],
    DOORGANGSADRES: [],
    BRIEFADRES_CLUSTER: [],
  };
  const nearMissByRule: Record<string, string[]> = {
    OVERBEWONING: planted.nearMiss,
    GEEN_WOONFUNCTIE: [],
    OBJECT_NIET_IN_GEBRUIK: [],
    ADRES_ONBEKEND: [],
    DOORGANGSADRES: [],
    BRIEFADRES_CLUSTER: [],
  };
  let personIndex = 0;
  let resident = 0;
  const flaggedForMeldpunt: MeldingAddress[] = [];

  const addressAt = (i: number): Address => {
    const serial = String(i + 1).padStart(10, '0');
    const pc = (options.postcodeBase ?? 3440) + Math.floor(i / 2600);
    const letters = String.fromCharCode(65 + (Math.floor(i / 100) % 26)) + String.fromCharCode(65 + (Math.floor(i / 4) % 25));
    return {
      id: `${gemeente}01${serial}`,
      numId: `${gemeente}20${serial}`,
      postcode: `${Math.min(pc, 9999)}${letters.replace(/S[ADS]/, 'SB')}`,
      huisnummer: (i % 100) + 1,
      huisletter: i % 37 === 0 ? 'A' : '',
    };
  };

  const vboAt = (i: number): Vbo => {
    const r = random();
    const doel = i < firstOrdinary ? 'woonfunctie' : r < 0.9 ? 'woonfunctie' : r < 0.95 ? 'winkelfunctie' : r < 0.98 ? 'kantoorfunctie' : 'bijeenkomstfunctie';
    return {
      ...addressAt(i),
      straat: STRATEN[Math.floor(i / 100) % STRATEN.length]!,
      doel,
      oppervlakte: doel === 'woonfunctie' ? between(random, 45, 180) : between(random, 30, 600),
      status: 'Verblijfsobject in gebruik',
    };
  };

  /** An address in another municipality: no BAG ids, and not in this BAG. */
  const elsewhere = (n: number): EarlierAddress['address'] => ({ postcode: `${1011 + (n % 80)}AB`, huisnummer: 1 + (n % 200), huisletter: '' });

  const sampleEvery = Math.max(1, Math.floor(vboCount / 3000));
  const sample: SampleAddress[] = [];
  let current: SampleAddress | undefined;

  let last: SyntheticPerson | undefined;
  const writePerson = async (address: Address, options: PersonOptions = {}) => {
    const n = personIndex++ + personOffset;
    const fate = options.fate ?? 'levend';
    if (fate === 'levend' && !options.locatie && current && current.verblijfsobjectId === address.id && current.residents.length < 4)
      current.residents.push(bsnFor(n));
    const year = between(random, 1940, 2020);
    const birth = `${year}${String(between(random, 1, 12)).padStart(2, '0')}${String(between(random, 1, 28)).padStart(2, '0')}`;
    const since =
      options.since ??
      `${String(between(random, 1, 28)).padStart(2, '0')}-${String(between(random, 1, 12)).padStart(2, '0')}-${between(random, Math.max(year, 1990), 2025)}`;
    // Half the rows carry BAG ids, half only an address: both matching paths are exercised.
    const withIds = options.withIds ?? n % 2 === 0;
    const surname = pick(random, ACHTERNAMEN);
    const given = pick(random, VOORNAMEN);
    const here: Occurrence = options.locatie
      ? { kind: 'locatie', beschrijving: options.locatie, functie: options.functie ?? 'W', since }
      : { kind: 'adres', address, functie: options.functie ?? 'W', since, ids: withIds };
    const history: Occurrence[] = (options.history ?? []).map((earlier) => ({
      kind: 'adres',
      address: earlier.address,
      functie: earlier.functie ?? 'W',
      since: earlier.since,
      ids: true,
      onjuist: earlier.onjuist,
    }));
    const person: SyntheticPerson = { plId: `PL${n + 1}`, bsn: bsnFor(n), surname, given, birth: options.birth ?? birth, occurrences: [here, ...history] };
    // Five years ago: long enough before the run that every one of them is over.
    const fiveYearsAgo = daysBefore(1826);
    if (fate === 'overleden') Object.assign(person, { overlijden: fiveYearsAgo, opschorting: { datum: fiveYearsAgo, reden: 'O' } });
    if (fate === 'opgeschort') person.opschorting = { datum: fiveYearsAgo, reden: 'M' };
    if (fate === 'fout') person.opschorting = { datum: daysBefore(30), reden: 'F' };
    if (fate === 'geemigreerd') {
      person.opschorting = { datum: fiveYearsAgo, reden: 'E' };
      // LO3 keeps the Dutch address as history under the address abroad; the persons JSON has the
      // current verblijfplaats only, so there the emigrant keeps the last Dutch address, suspended.
      if (format === 'lo3') person.occurrences.unshift({ kind: 'buitenland', land: '5010', since: fiveYearsAgo });
    }
    await brp.push(person);
    last = person;
    if (fate === 'levend') resident++;
  };

  /** The same BSN on a second persoonslijst, registered at the same object: it must count once. */
  const writeSecondList = async () => {
    await brp.push({ ...last!, plId: `${last!.plId}-2` });
  };

  /** The ones who must not count, registered where one of them counted would make a signal. */
  const writeNonResidents = async (vbo: Vbo, functie: 'W' | 'B') => {
    for (const fate of ['overleden', 'geemigreerd', 'opgeschort', 'fout'] as const)
      await writePerson(vbo, { functie, fate, since: daysBefore(4000), withIds: true });
  };

  for (let i = 0; i < vboCount; i++) {
    const vbo = vboAt(i);
    let k = 0;
    const at = (b: { start: number; has: (i: number) => boolean }) => b.has(i) && ((k = i - b.start), true);
    if (at(B.overbewoning)) {
      vbo.oppervlakte = between(random, 60, 100);
      planted.overbewoning.push(vbo.id);
      if (k < 4) flaggedForMeldpunt.push(vbo);
    } else if (at(B.overbewoningNear)) {
      vbo.oppervlakte = 100;
      planted.nearMiss.push(vbo.id);
    } else if (at(B.geenWoonfunctie)) {
      vbo.doel = GEEN_WOONDOEL[k % GEEN_WOONDOEL.length]!;
      vbo.oppervlakte = between(random, 80, 400);
      plantedByRule.GEEN_WOONFUNCTIE!.push(vbo.id);
    } else if (at(B.geenWoonfunctieNear)) {
      // A care home, an office that is only a briefadres, a shop with a flat.
      [vbo.doel, vbo.oppervlakte] = [
        ['gezondheidszorgfunctie', 900],
        ['kantoorfunctie', 200],
        ['winkelfunctie,woonfunctie', 150],
      ][k % 3] as [string, number];
      nearMissByRule.GEEN_WOONFUNCTIE!.push(vbo.id);
    } else if (at(B.nietInGebruik)) {
      vbo.status = NIET_IN_GEBRUIK[k % NIET_IN_GEBRUIK.length]!;
      vbo.oppervlakte = 90;
      plantedByRule.OBJECT_NIET_IN_GEBRUIK!.push(vbo.id);
    } else if (at(B.nietInGebruikNear)) {
      // Under renovation, in use but not measured, and newly built with residents of two weeks.
      vbo.status = ['Verbouwing verblijfsobject', 'Verblijfsobject in gebruik (niet ingemeten)', 'Verblijfsobject gevormd'][k % 3]!;
      vbo.oppervlakte = 90;
      nearMissByRule.OBJECT_NIET_IN_GEBRUIK!.push(vbo.id);
    } else if (at(B.doorgang)) {
      vbo.oppervlakte = 150;
      plantedByRule.DOORGANGSADRES!.push(vbo.id);
    } else if (at(B.doorgangNear)) {
      vbo.oppervlakte = 150;
      nearMissByRule.DOORGANGSADRES!.push(vbo.id);
    } else if (at(B.nieuwThuis)) {
      vbo.oppervlakte = 120;
    } else if (at(B.briefadres)) {
      plantedByRule.BRIEFADRES_CLUSTER!.push(vbo.id);
    } else if (at(B.briefadresNear)) {
      nearMissByRule.BRIEFADRES_CLUSTER!.push(vbo.id);
    } else if (at(B.overbewoningOnbekend)) {
      vbo.oppervlakte = 100;
      planted.overbewoning.push(vbo.id);
    }
    current =
      i % sampleEvery === 0 && i >= firstOrdinary
        ? {
            verblijfsobjectId: vbo.id,
            nummeraanduidingId: vbo.numId,
            postcode: vbo.postcode,
            huisnummer: vbo.huisnummer,
            huisletter: vbo.huisletter,
            gebruiksdoel: vbo.doel,
            oppervlakte: vbo.oppervlakte,
            residents: [],
          }
        : undefined;
    if (current) sample.push(current);
    const pand = `${gemeente}10${String(Math.floor(i / 4) + 1).padStart(10, '0')}`;
    // RD x/y on a square grid 30 m apart from Woerden's west side (at national scale it reaches
    // about 95 km east and north, inside the RD bounds). No lon/lat, unlike NLExtract: the load
    // computes them from RD. From i alone, so the random sequence, and what is planted, stay as they were.
    const [x, y] = [119_000 + (i % side) * 30, 452_000 + Math.floor(i / side) * 30];
    await bag.push(
      [
        vbo.straat,
        vbo.huisnummer,
        vbo.huisletter,
        '',
        vbo.postcode,
        woonplaats,
        woonplaats,
        'Utrecht',
        vbo.numId,
        vbo.doel,
        vbo.oppervlakte,
        vbo.status,
        vbo.id,
        'VBO',
        'f',
        pand,
        'Pand in gebruik',
        between(random, 1900, 2020),
        x,
        y,
        '',
        '',
        '',
      ].join(';'),
    );
    if (B.overbewoning.has(i)) {
      for (let p = between(random, 12, 16); p > 0; p--) await writePerson(vbo);
    } else if (B.overbewoningNear.has(i)) {
      for (let p = 0; p < 8; p++) await writePerson(vbo);
      // 12.5 m2 each: one more counted (a second list of a resident, or any who does not live here) tips it over.
      if (lifeEvents) {
        await writeSecondList();
        await writeNonResidents(vbo, 'W');
      }
    } else if (B.overbewoningOnbekend.has(i)) {
      // 9 on 100 m2 is 11.1 m2 each: flagged only when all count, unknown dates and ids included.
      await writePerson(vbo, { since: '00-00-0000' });
      await writePerson(vbo, { since: '00-00-0000' });
      await writePerson(vbo, { withIds: 'nullen' });
      await writePerson(vbo, { birth: '00000000' });
      for (let p = 0; p < 5; p++) await writePerson(vbo);
    } else if (B.geenWoonfunctie.has(i)) {
      for (let p = 1 + (k % 3); p > 0; p--) await writePerson(vbo);
    } else if (B.geenWoonfunctieNear.has(i)) {
      const [count, functie] = (
        [
          [6, 'W'],
          [2, 'B'],
          [2, 'W'],
        ] as const
      )[k % 3]!;
      for (let p = 0; p < count; p++) await writePerson(vbo, { functie });
      // The office that is only a briefadres: a woonadres of any who does not live here would flag it.
      if (lifeEvents && k % 3 === 1) await writeNonResidents(vbo, 'W');
    } else if (B.nietInGebruik.has(i)) {
      // Old enough registrations: a 'gevormd' object gives its first residents three months.
      await writePerson(vbo, { since: daysBefore(between(random, 200, 2000)) });
      if (k % 2 === 1) await writePerson(vbo, { functie: 'B', since: daysBefore(between(random, 200, 2000)) });
    } else if (B.nietInGebruikNear.has(i)) {
      for (let p = 0; p < 2; p++) await writePerson(vbo, { since: daysBefore(14) });
    } else if (B.doorgang.has(i) || B.doorgangNear.has(i)) {
      // Moved in within the last year from another municipality (4, or 3 for the near miss); the
      // ones who moved out are written with their new homes below. One resident stayed throughout.
      const arrivals = B.doorgang.has(i) ? 4 : 3;
      for (let p = 0; p < arrivals; p++) {
        const from = elsewhere(personIndex);
        if (B.doorgangNear.has(i)) nearMissByRule.ADRES_ONBEKEND!.push(`${from.postcode}|${from.huisnummer}||`);
        await writePerson(vbo, { since: daysBefore(between(random, 20, 330)), history: [{ address: from, since: daysBefore(between(random, 1500, 4000)) }] });
      }
      await writePerson(vbo, { since: daysBefore(between(random, 2500, 6000)) });
    } else if (B.nieuwThuis.has(i)) {
      // Home k took in the people who left doorgangsadres k (3) or near miss k - plantedCount (2).
      const left = addressAt(k < plantedCount ? B.doorgang.start + k : B.doorgangNear.start + k - plantedCount);
      const departures = k < plantedCount ? 3 : 2;
      const moved = daysBefore(between(random, 20, 330));
      for (let p = 0; p < departures; p++) {
        await writePerson(vbo, { since: moved, history: [{ address: left, since: daysBefore(between(random, 1500, 3000)) }] });
      }
      // Registered at the near miss by mistake and corrected (onjuist): counted as a move, it would
      // be the sixth person there.
      if (format === 'lo3' && k >= plantedCount) await writePerson(vbo, { since: moved, history: [{ address: left, since: moved, onjuist: true }] });
    } else if (B.briefadres.has(i) || B.briefadresNear.has(i)) {
      const mail = B.briefadres.has(i) ? 5 + (k % 4) : 4;
      for (let p = 0; p < mail; p++) await writePerson(vbo, { functie: 'B' });
      await writePerson(vbo);
      if (lifeEvents && B.briefadresNear.has(i)) await writeNonResidents(vbo, 'B');
    } else if (vbo.doel === 'woonfunctie') {
      const remaining = options.residents - resident;
      const homesLeft = Math.max(1, Math.round((vboCount - i) * 0.9));
      const household = Math.max(0, Math.min(remaining, Math.round((remaining / homesLeft) * (0.4 + random() * 1.2))));
      for (let p = Math.min(household, Math.max(1, Math.floor(vbo.oppervlakte / 25))); p > 0; p--) await writePerson(vbo);
    }
  }

  // Registrations on addresses that are in no BAG object: a house number the street does not have.
  // The first person also carries ids that exist nowhere; they still count at the same address.
  for (let k = 0; k < plantedCount; k++) {
    const real = addressAt(firstOrdinary + k);
    const serial = String(vboCount + 1000 + k).padStart(10, '0');
    const fake: Address = { id: `${gemeente}01${serial}`, numId: `${gemeente}20${serial}`, postcode: real.postcode, huisnummer: 900 + k, huisletter: '' };
    plantedByRule.ADRES_ONBEKEND!.push(`${fake.postcode}|${fake.huisnummer}||`);
    for (let p = 0; p < 1 + (k % 3); p++) await writePerson(fake, { withIds: p === 0 });
    if (k % 2 === 0) await writePerson(fake, { functie: 'B', withIds: false });
  }
  if (lifeEvents) {
    // Woonboten: a residence described in words, with no BAG object. Not an unknown address.
    for (let k = 0; k < plantedCount; k++) await writePerson(addressAt(0), { locatie: `Woonboot ${k + 1} in de Grote Sloot` });
    nearMissByRule.ADRES_ONBEKEND!.push('onbekend');
  }
  // The persons JSON holds the current verblijfplaats only: no moves to find there.
  if (format === 'json') plantedByRule.DOORGANGSADRES!.length = 0;
  await bag.close();
  await brp.close();
  const registers = await generateRegisters(dir, {
    addresses: sample,
    verblijfsobjecten: vboCount,
    seed: (options.seed ?? 20_240_601) + 1,
    offset: Math.floor(personOffset / 100),
    outsideHolders: options.outsideHolders,
  });
  // Ordinary homes for meldingen that lead nowhere yet, spread over the town.
  const ordinary = Array.from({ length: 40 }, (_, k) => addressAt(firstOrdinary + 11 + Math.floor(((vboCount - firstOrdinary - 12) * k) / 40)));
  const meldpunt = await generateMeldpunt(dir, {
    flagged: flaggedForMeldpunt,
    ordinary,
    streets: [addressAt(firstOrdinary + 1).postcode, addressAt(firstOrdinary + 2).postcode],
    gemeentecode: gemeente,
    today: peildatum,
    seed: (options.seed ?? 20_240_601) + 2,
    count: Math.max(25, Math.round(vboCount / 200)),
  });
  const merge = (a: Record<string, string[]>, b: Record<string, string[]>) =>
    Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, [...(a[k] ?? []), ...(b[k] ?? [])]]));
  return {
    files: { ...files, registers: registers.files, meldingen: meldpunt.file },
    residents: resident,
    verblijfsobjecten: vboCount,
    planted,
    plantedByRule: merge({ ...plantedByRule, ...registers.planted }, meldpunt.planted),
    nearMissByRule: merge(nearMissByRule, meldpunt.nearMiss),
    sensitiveMeldingTexts: meldpunt.sensitive,
    damoclesOwners: registers.damoclesOwners,
    outsideHolderPermits: registers.outsideHolderPermits,
  };
}
