import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * The synthetic BRP written in the three forms a municipality delivers: a readable CSV from Dutch
 * Excel, a GBA-V selection in LO3 element columns, and Haal Centraal persons in JSON. One person
 * model, three writers, so the same municipality can be read through every reader.
 */
export type BrpFormat = 'csv' | 'lo3' | 'json';

export interface DutchAddress {
  postcode: string;
  huisnummer: number;
  huisletter: string;
  id?: string;
  numId?: string;
}

export type Occurrence =
  | {
      kind: 'adres';
      address: DutchAddress;
      functie: 'W' | 'B';
      /** dd-mm-jjjj as Dutch Excel writes it; 00-00-0000 is the standard value "unknown". */
      since: string;
      /** Write the BAG ids; 'nullen' writes the standard value for an unknown id. */
      ids: boolean | 'nullen';
      onjuist?: boolean;
    }
  | { kind: 'buitenland'; land: string; since: string }
  | { kind: 'locatie'; beschrijving: string; functie: 'W' | 'B'; since: string };

export interface SyntheticPerson {
  /** The persoonslijst id in LO3 (the file's first column). */
  plId: string;
  bsn: string;
  surname: string;
  given: string;
  /** JJJJMMDD; 00000000 when unknown. */
  birth: string;
  /** Newest first: the current occurrence, then history. */
  occurrences: Occurrence[];
  /** dd-mm-jjjj. */
  overlijden?: string;
  opschorting?: { datum: string; reden: 'O' | 'E' | 'M' | 'R' | 'F' | 'W' };
}

export interface BrpWriter {
  readonly path: string;
  push(person: SyntheticPerson): Promise<void>;
  close(): Promise<void>;
}

/** Buffered line writer that respects back-pressure, so memory stays flat at any scale. */
export class Lines {
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

const ZERO_ID = '0000000000000000';
/** dd-mm-jjjj to JJJJMMDD. */
const lo3Date = (ddmmjjjj: string) => `${ddmmjjjj.slice(6, 10)}${ddmmjjjj.slice(3, 5)}${ddmmjjjj.slice(0, 2)}`;
const ids = (o: Extract<Occurrence, { kind: 'adres' }>) =>
  o.ids === 'nullen' ? [ZERO_ID, ZERO_ID] : o.ids ? [o.address.id ?? '', o.address.numId ?? ''] : ['', ''];

export async function openBrpWriter(format: BrpFormat, path: string, gemeente: string): Promise<BrpWriter> {
  const lines = new Lines(createWriteStream(path));
  if (format === 'csv') return csvWriter(path, lines);
  if (format === 'lo3') return lo3Writer(path, lines, gemeente);
  return jsonWriter(path, lines);
}

/** Readable headers, one row per occurrence with historie_index; life events have no columns here. */
async function csvWriter(path: string, lines: Lines): Promise<BrpWriter> {
  await lines.push(
    'bsn;geslachtsnaam;voornamen;geboortedatum;postcode;huisnummer;huisletter;huisnummertoevoeging;functie_adres;datum_aanvang_adreshouding;verblijfsobject_id;nummeraanduiding_id;historie_index',
  );
  return {
    path,
    async push(p) {
      for (const [index, o] of p.occurrences.entries()) {
        if (o.kind !== 'adres') continue;
        const a = o.address;
        await lines.push(
          [
            p.bsn,
            p.surname,
            p.given,
            p.birth,
            a.postcode.slice(0, 4) + ' ' + a.postcode.slice(4),
            a.huisnummer,
            a.huisletter,
            '',
            o.functie,
            o.since,
            ...ids(o),
            index,
          ].join(';'),
        );
      }
    },
    close: () => lines.close(),
  };
}

const LO3_PERSON = ['01.01.20', '01.02.10', '01.02.40', '01.03.10', '06.08.10', '07.67.10', '07.67.20'];
const LO3_ADDRESS = [
  '08.09.10',
  '08.10.10',
  '08.10.30',
  '08.11.20',
  '08.11.30',
  '08.11.60',
  '08.11.80',
  '08.11.90',
  '08.12.10',
  '08.13.10',
  '08.13.20',
  '08.84.10',
];

/** A GBA-V selection: `;`, UTF-8 with BOM, the list id first, history rows with an empty first column. */
async function lo3Writer(path: string, lines: Lines, gemeente: string): Promise<BrpWriter> {
  await lines.push(`\uFEFF;${[...LO3_PERSON, ...LO3_ADDRESS].join(';')}`);
  const occurrence = (o: Occurrence): (string | number)[] => {
    if (o.kind === 'buitenland') return ['1999', '', '', '', '', '', '', '', '', o.land, lo3Date(o.since), ''];
    if (o.kind === 'locatie') return [gemeente, o.functie, lo3Date(o.since), '', '', '', '', '', o.beschrijving, '', '', ''];
    return [gemeente, o.functie, lo3Date(o.since), o.address.huisnummer, o.address.huisletter, o.address.postcode, ...ids(o), '', '', '', o.onjuist ? 'O' : ''];
  };
  return {
    path,
    async push(p) {
      const person = [
        p.bsn,
        p.given,
        p.surname,
        p.birth,
        p.overlijden ? lo3Date(p.overlijden) : '',
        p.opschorting ? lo3Date(p.opschorting.datum) : '',
        p.opschorting?.reden ?? '',
      ];
      for (const [index, o] of p.occurrences.entries()) {
        await lines.push([index === 0 ? p.plId : '', ...(index === 0 ? person : person.map(() => '')), ...occurrence(o)].join(';'));
      }
    },
    close: () => lines.close(),
  };
}

/**
 * Haal Centraal persons (GBA-style JSON), one array, streamed. The persons API gives the current
 * verblijfplaats only: history, and so onjuist occurrences, cannot be written here.
 */
async function jsonWriter(path: string, lines: Lines): Promise<BrpWriter> {
  await lines.push('[');
  let first = true;
  return {
    path,
    async push(p) {
      const o = p.occurrences[0]!;
      const verblijfplaats =
        o.kind === 'buitenland'
          ? { land: { code: o.land }, datumAanvangAdresBuitenland: lo3Date(o.since) }
          : o.kind === 'locatie'
            ? { functieAdres: { code: o.functie }, datumAanvangAdreshouding: lo3Date(o.since), locatiebeschrijving: o.beschrijving }
            : {
                functieAdres: { code: o.functie },
                datumAanvangAdreshouding: lo3Date(o.since),
                ...(o.ids ? { adresseerbaarObjectIdentificatie: ids(o)[0], nummeraanduidingIdentificatie: ids(o)[1] } : {}),
                postcode: o.address.postcode,
                huisnummer: o.address.huisnummer,
                ...(o.address.huisletter ? { huisletter: o.address.huisletter } : {}),
              };
      const person = {
        burgerservicenummer: p.bsn,
        naam: { voornamen: p.given, geslachtsnaam: p.surname },
        geboorte: { datum: p.birth },
        ...(p.overlijden ? { overlijden: { datum: lo3Date(p.overlijden) } } : {}),
        ...(p.opschorting ? { opschortingBijhouding: { datum: lo3Date(p.opschorting.datum), reden: { code: p.opschorting.reden } } } : {}),
        verblijfplaats,
      };
      await lines.push(`${first ? '' : ','}${JSON.stringify(person)}`);
      first = false;
    },
    async close() {
      await lines.push(']');
      await lines.close();
    },
  };
}
