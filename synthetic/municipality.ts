import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { between, bsnFor, pick, rng } from './random.ts';
import { generateRegisters, type SampleAddress } from './registers.ts';

/**
 * A synthetic municipality written as the exports a real one delivers: BAG as NLExtract CSV, BRP
 * as a readable-header CSV from Dutch Excel (`;`). Deterministic for a seed, streamed to disk so
 * that national scale never sits in memory. Anomalies are planted at known addresses, so a run can
 * prove it finds them.
 */
export interface MunicipalityOptions {
  residents: number;
  seed?: number;
  gemeentecode?: string;
  woonplaats?: string;
}

export interface Planted {
  overbewoning: string[];
  /** Crowded, but within the norm: must not be flagged. */
  nearMiss: string[];
}

export interface GeneratedMunicipality {
  files: { bag: string; brp: string; registers: string[] };
  /** Planted cases per rule code, as subject keys (usually verblijfsobject ids). */
  plantedByRule: Record<string, string[]>;
  residents: number;
  verblijfsobjecten: number;
  planted: Planted;
}

const STRATEN = ['Rijnstraat', 'Kerkweg', 'Molenvliet', 'Hoge Woerd', 'Leidsestraatweg', 'Singel', 'Oudeland', 'Waardsebrug', 'Boerendijk', 'Jan van Beierenweg', 'Tournoysveld', 'Bekkerlaan', 'Wagenstraat', 'Havenstraat', 'Emmakade', 'Schilderskwartier'];
const ACHTERNAMEN = ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'Yilmaz', 'Kaya', 'El Amrani', 'Nowak', 'Kowalski'];
const VOORNAMEN = ['Jan', 'Maria', 'Pieter', 'Anna', 'Willem', 'Sanne', 'Daan', 'Emma', 'Mohammed', 'Fatima', 'Piotr', 'Agnieszka', 'Lucas', 'Julia', 'Sem', 'Tess', 'Ahmet', 'Elif'];

const BAG_HEADER = 'openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;nummeraanduiding;verblijfsobjectgebruiksdoel;oppervlakteadresseerbaarobject;verblijfsobjectstatus;object_id;object_type;nevenadres;pandid;pandstatus;pandbouwjaar;x;y;lon;lat;verkorteopenbareruimte';
const BRP_HEADER = 'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;huisletter;huisnummertoevoeging;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id';

interface Vbo {
  id: string;
  numId: string;
  postcode: string;
  huisnummer: number;
  huisletter: string;
  straat: string;
  doel: string;
  oppervlakte: number;
}

/** Buffered line writer that respects back-pressure, so memory stays flat at any scale. */
class Lines {
  #buffer: string[] = [];
  constructor(readonly stream: WriteStream) {}
  async push(line: string): Promise<void> {
    this.#buffer.push(line);
    if (this.#buffer.length >= 4096) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const ok = this.stream.write(this.#buffer.join('\n') + '\n');
    this.#buffer = [];
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}

export async function generateMunicipality(dir: string, options: MunicipalityOptions): Promise<GeneratedMunicipality> {
  const random = rng(options.seed ?? 20_240_601);
  const gemeente = options.gemeentecode ?? '0632';
  const woonplaats = options.woonplaats ?? 'Woerden';
  const vboCount = Math.max(50, Math.round(options.residents * 0.45));
  await mkdir(join(dir, 'bag'), { recursive: true });
  await mkdir(join(dir, 'brp'), { recursive: true });
  const files = { bag: join(dir, 'bag', `bag-adressen-${gemeente}.csv`), brp: join(dir, 'brp', `brp-${gemeente}.csv`) };
  const bag = new Lines(createWriteStream(files.bag));
  const brp = new Lines(createWriteStream(files.brp));
  await bag.push(BAG_HEADER);
  await brp.push(BRP_HEADER);

  // Planted addresses come first in the id sequence so they exist at any scale.
  const plantedCount = Math.max(3, Math.min(200, Math.round(vboCount / 1000)));
  const planted: Planted = { overbewoning: [], nearMiss: [] };
  let personIndex = 0;
  let resident = 0;

  const vboAt = (i: number): Vbo => {
    const serial = String(i + 1).padStart(10, '0');
    const pc = 3440 + Math.floor(i / 2600);
    const letters = String.fromCharCode(65 + (Math.floor(i / 100) % 26)) + String.fromCharCode(65 + (Math.floor(i / 4) % 25));
    const planted = i < plantedCount * 2;
    const r = random();
    const doel = planted ? 'woonfunctie' : r < 0.9 ? 'woonfunctie' : r < 0.95 ? 'winkelfunctie' : r < 0.98 ? 'kantoorfunctie' : 'bijeenkomstfunctie';
    return {
      id: `${gemeente}01${serial}`,
      numId: `${gemeente}20${serial}`,
      postcode: `${Math.min(pc, 9999)}${letters.replace(/S[ADS]/, 'SB')}`,
      huisnummer: (i % 100) + 1,
      huisletter: i % 37 === 0 ? 'A' : '',
      straat: STRATEN[Math.floor(i / 100) % STRATEN.length]!,
      doel,
      oppervlakte: doel === 'woonfunctie' ? between(random, 45, 180) : between(random, 30, 600),
    };
  };

  const sampleEvery = Math.max(1, Math.floor(vboCount / 3000));
  const sample: SampleAddress[] = [];
  let current: SampleAddress | undefined;

  const writePerson = async (vbo: Vbo, functie: 'W' | 'B' = 'W') => {
    const n = personIndex++;
    if (current && current.verblijfsobjectId === vbo.id && current.residents.length < 4) current.residents.push(bsnFor(n));
    const year = between(random, 1940, 2020);
    const birth = `${year}${String(between(random, 1, 12)).padStart(2, '0')}${String(between(random, 1, 28)).padStart(2, '0')}`;
    const since = `${String(between(random, 1, 28)).padStart(2, '0')}-${String(between(random, 1, 12)).padStart(2, '0')}-${between(random, Math.max(year, 1990), 2025)}`;
    // Half the rows carry BAG ids, half only an address: both matching paths are exercised.
    const withIds = n % 2 === 0;
    await brp.push(
      [bsnFor(n), pick(random, ACHTERNAMEN), pick(random, VOORNAMEN), birth, vbo.postcode.slice(0, 4) + ' ' + vbo.postcode.slice(4), vbo.huisnummer, vbo.huisletter, '', functie, since, withIds ? vbo.id : '', withIds ? vbo.numId : ''].join(';'),
    );
    resident++;
  };

  for (let i = 0; i < vboCount; i++) {
    const vbo = vboAt(i);
    if (i < plantedCount) {
      vbo.oppervlakte = between(random, 60, 100);
      planted.overbewoning.push(vbo.id);
    } else if (i < plantedCount * 2) {
      vbo.oppervlakte = 100;
      planted.nearMiss.push(vbo.id);
    }
    current = i % sampleEvery === 0 && i >= plantedCount * 2
      ? { verblijfsobjectId: vbo.id, nummeraanduidingId: vbo.numId, postcode: vbo.postcode, huisnummer: vbo.huisnummer, huisletter: vbo.huisletter, gebruiksdoel: vbo.doel, oppervlakte: vbo.oppervlakte, residents: [] }
      : undefined;
    if (current) sample.push(current);
    const pand = `${gemeente}10${String(Math.floor(i / 4) + 1).padStart(10, '0')}`;
    await bag.push(
      [vbo.straat, vbo.huisnummer, vbo.huisletter, '', vbo.postcode, woonplaats, woonplaats, 'Utrecht', vbo.numId, vbo.doel, vbo.oppervlakte, 'Verblijfsobject in gebruik', vbo.id, 'VBO', 'f', pand, 'Pand in gebruik', between(random, 1900, 2020), '', '', '', '', ''].join(';'),
    );
    if (i < plantedCount) {
      for (let p = between(random, 12, 16); p > 0; p--) await writePerson(vbo);
    } else if (i < plantedCount * 2) {
      for (let p = 0; p < 8; p++) await writePerson(vbo);
    } else if (vbo.doel === 'woonfunctie') {
      const remaining = options.residents - resident;
      const homesLeft = Math.max(1, Math.round((vboCount - i) * 0.9));
      const household = Math.max(0, Math.min(remaining, Math.round((remaining / homesLeft) * (0.4 + random() * 1.2))));
      for (let p = Math.min(household, Math.max(1, Math.floor(vbo.oppervlakte / 25))); p > 0; p--) await writePerson(vbo);
    }
  }
  await bag.close();
  await brp.close();
  const registers = await generateRegisters(dir, { addresses: sample, verblijfsobjecten: vboCount, seed: (options.seed ?? 20_240_601) + 1 });
  return {
    files: { ...files, registers: registers.files },
    residents: resident,
    verblijfsobjecten: vboCount,
    planted,
    plantedByRule: { OVERBEWONING: planted.overbewoning, ...registers.planted },
  };
}
