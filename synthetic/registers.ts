import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { between, bsnFor, pick, rng } from './random.ts';

/**
 * Permit and Damocles registers for a synthetic municipality, written as the spreadsheets and CSVs
 * municipalities keep. Filled in by the permits/Damocles work; the municipality generator calls it
 * with a bounded sample of its addresses and residents.
 */
export interface SampleAddress {
  verblijfsobjectId: string;
  nummeraanduidingId: string;
  postcode: string;
  huisnummer: number;
  huisletter: string;
  gebruiksdoel: string;
  oppervlakte: number;
  /** BSNs registered here (W), at most a few. */
  residents: string[];
}

export interface RegisterPlan {
  /** A bounded, evenly spread sample of addresses (at most a few thousand). */
  addresses: SampleAddress[];
  /** How many verblijfsobjecten the municipality has, to scale the registers. */
  verblijfsobjecten: number;
  seed: number;
  /** Added to the numbers of outsiders and companies, so a second town's are its own. */
  offset?: number;
  /** Persons of another municipality who get a permit here (see MunicipalityOptions.outsideHolders). */
  outsideHolders?: { bsn: string; naam: string }[];
}

export interface GeneratedRegisters {
  files: string[];
  damoclesOwners: { bsn: string; naam: string; subject: string }[];
  outsideHolderPermits: string[];
  /** Planted cases per rule code: the subject keys (usually verblijfsobject ids) a run must flag. */
  planted: Record<string, string[]>;
}

interface Permit {
  zaak: string;
  type: string;
  address: SampleAddress;
  byAddress: boolean;
  bsn?: string;
  kvk?: string;
  naam: string;
  verleend: Date;
  tot?: Date;
  status: string;
}

interface Case {
  zaak: string;
  address: SampleAddress;
  byAddress: boolean;
  object: 'woning' | 'lokaal' | 'erf';
  constatering: Date;
  drugs: string;
  besluit: string;
  start?: Date;
  /** Either an end date or a duration, as registers mix both. */
  einde?: Date;
  duur?: string;
  eigenaar?: { bsn?: string; kvk?: string; naam: string };
  huurder?: { bsn?: string; kvk?: string; naam: string };
}

const DAY = 86_400_000;
const HORECA_NAMEN = [
  'Eetcafé De Gouden Leeuw',
  'Grand Café Rijnzicht',
  'Shisha Lounge Oriënt',
  'Snackbar Het Hoekje',
  'Café De Molen',
  'Restaurant De Linschoten',
  'Bar Bodega Central',
  'Lunchroom Het Pleintje',
  'Pizzeria Bella Vista',
  'Proeflokaal De Waag',
];
const VERHUURDERS = ['Kamerverhuur Midden-Nederland', 'Flexwonen Groene Hart', 'Agri Staffing Huisvesting', 'Woonruimte Rijnland', 'Van Dam Vastgoed'];
const PERSOONSNAMEN = ['J. de Vries', 'M. Yilmaz', 'P. Jansen', 'A. El Amrani', 'K. Nowak', 'S. Bakker', 'R. Visser', 'E. Kaya', 'T. Smit', 'L. Mulder'];
const CORPORATIES = [
  { kvk: '30123456', naam: 'Woonstichting Rijnhart' },
  { kvk: '30234567', naam: 'Stichting GroenWonen' },
];

/** KvK numbers from a range of their own; one per company, never reused, so no company links two cases by accident. */
const kvkFor = (n: number): string => String(69_000_000 + n);
/** Persons from outside the municipality: valid BSNs far beyond the synthetic residents. */
const outsiderBsn = (n: number): string => bsnFor(20_000_000 + n);

/** How many times each planted scenario is repeated: a few for a town, more for a city. */
const plantRounds = (verblijfsobjecten: number) => Math.max(1, Math.min(20, Math.round(verblijfsobjecten / 5000)));

export async function generateRegisters(dir: string, plan: RegisterPlan): Promise<GeneratedRegisters> {
  const registers = new Registers(plan.addresses, plan.seed, plan.offset ?? 0);
  for (let round = 0; round < plantRounds(plan.verblijfsobjecten); round++) {
    registers.plantClosedHome(round);
    registers.plantOwnerAndTenantElsewhere(round);
    registers.plantPermitOnClosedPremises(round);
    registers.plantHoreca('kantoorfunctie', round);
    registers.plantHoreca('woonfunctie', round);
  }
  // Scaled to the municipality, with a handful at least so a small demo still has an ordinary register.
  const permitCount = Math.max(8, Math.round(plan.verblijfsobjecten / 150) - registers.permits.length);
  for (let i = 0; i < permitCount; i++) registers.backgroundPermit();
  for (const holder of plan.outsideHolders ?? []) registers.plantOutsideHolder(holder);
  const caseCount = Math.max(5, Math.round(plan.verblijfsobjecten / 2000) - registers.cases.length);
  for (let i = 0; i < caseCount; i++) registers.backgroundCase();

  await mkdir(join(dir, 'permits'), { recursive: true });
  await mkdir(join(dir, 'damocles'), { recursive: true });
  const permitFile = join(dir, 'permits', 'vergunningen.xlsx');
  const caseFile = join(dir, 'damocles', 'damocles-register.csv');
  await writeFile(permitFile, permitWorkbook(registers.permits));
  await writeFile(caseFile, caseCsv(registers.cases), 'utf8');
  return {
    files: [permitFile, caseFile],
    planted: registers.planted,
    damoclesOwners: registers.damoclesOwners,
    outsideHolderPermits: registers.outsideHolderPermits,
  };
}

const isHorecaPlace = (a: SampleAddress) => a.gebruiksdoel === 'bijeenkomstfunctie' || a.gebruiksdoel === 'winkelfunctie';
const isInhabitedHome = (a: SampleAddress) => a.gebruiksdoel === 'woonfunctie' && a.residents.length > 0;

/**
 * The two registers being written. Planted cases take addresses nobody else uses, and their
 * parties (companies, outsiders) appear nowhere else, so each flags exactly the rule it is for.
 */
class Registers {
  readonly permits: Permit[] = [];
  readonly cases: Case[] = [];
  readonly planted: Record<string, string[]> = {
    DAMOCLES_BEWONING: [],
    DAMOCLES_BETROKKENE_ELDERS: [],
    VERGUNNING_BIBOB: [],
    HORECA_GEEN_PASSENDE_FUNCTIE: [],
  };
  readonly damoclesOwners: { bsn: string; naam: string; subject: string }[] = [];
  readonly outsideHolderPermits: string[] = [];
  readonly #random: () => number;
  readonly #pool: AddressPool;
  readonly #today = utcToday();
  #kvk: number;
  #outsider: number;
  #permitSerial = 0;
  #caseSerial = 0;

  constructor(addresses: SampleAddress[], seed: number, offset: number) {
    this.#random = rng(seed);
    this.#kvk = offset;
    this.#outsider = offset;
    this.#pool = new AddressPool(addresses, this.#random);
  }

  /** A home closed for hard drugs some weeks ago, its tenant still registered there. */
  plantClosedHome(round: number): void {
    const home = this.#pool.take(isInhabitedHome);
    if (!home) return;
    const zaak = this.#caseZaak(this.#today);
    this.cases.push({
      zaak,
      address: home,
      byAddress: round % 2 === 1,
      object: 'woning',
      constatering: this.#daysAgo(60 + round),
      drugs: 'hard',
      besluit: 'Sluiting',
      start: this.#daysAgo(45 + round),
      duur: '3 maanden',
      eigenaar: CORPORATIES[0],
      huurder: { bsn: home.residents[0]!, naam: this.#personName() },
    });
    this.planted.DAMOCLES_BEWONING!.push(zaak);
  }

  /** Premises closed last spring: the owner lives elsewhere in town, the tenant company runs a bar elsewhere. */
  plantOwnerAndTenantElsewhere(round: number): void {
    const premises = this.#pool.take((a) => a.gebruiksdoel !== 'woonfunctie') ?? this.#pool.take(() => true);
    const ownerHome = this.#pool.take(isInhabitedHome);
    const bar = this.#pool.take(isHorecaPlace) ?? this.#pool.take(() => true);
    if (!premises || !ownerHome || !bar) return;
    const tenant = this.#company(HORECA_NAMEN);
    const constatering = this.#daysAgo(250 + round * 7);
    const zaak = this.#caseZaak(constatering);
    this.cases.push({
      zaak,
      address: premises,
      byAddress: round % 2 === 0,
      object: 'lokaal',
      constatering,
      drugs: 'voorbereidingshandelingen',
      besluit: 'Sluiting',
      start: this.#daysAgo(230 + round * 7),
      einde: this.#daysAgo(140 + round * 7),
      eigenaar: { bsn: ownerHome.residents[0]!, naam: this.#personName() },
      huurder: tenant,
    });
    const owner = this.cases.at(-1)!.eigenaar!;
    this.damoclesOwners.push({ bsn: owner.bsn!, naam: owner.naam, subject: `${zaak}/eigenaar` });
    this.planted.DAMOCLES_BETROKKENE_ELDERS!.push(`${zaak}/eigenaar`, `${zaak}/huurder`);
    const verleend = this.#yearsAgo(2, round);
    const permit = this.#permitZaak(verleend);
    this.permits.push({ zaak: permit, type: 'Exploitatievergunning', address: bar, byAddress: round % 2 === 1, ...tenant, verleend, status: 'Verleend' });
    this.planted.VERGUNNING_BIBOB!.push(permit);
  }

  /** A bar here run by a person who owns premises closed under Damocles in another municipality. */
  plantOutsideHolder(holder: { bsn: string; naam: string }): void {
    const bar = this.#pool.take(isHorecaPlace) ?? this.#pool.take(() => true);
    if (!bar) return;
    const verleend = this.#daysAgo(120);
    const zaak = this.#permitZaak(verleend);
    this.permits.push({
      zaak,
      type: 'Exploitatievergunning',
      address: bar,
      byAddress: false,
      bsn: holder.bsn,
      naam: holder.naam,
      verleend,
      status: 'Verleend',
    });
    this.outsideHolderPermits.push(zaak);
  }

  /** An alcohol permit for premises that were closed under Damocles two years ago. */
  plantPermitOnClosedPremises(round: number): void {
    const premises = this.#pool.take(isHorecaPlace) ?? this.#pool.take(() => true);
    if (!premises) return;
    const constatering = this.#yearsAgo(2, 40 + round);
    this.cases.push({
      zaak: this.#caseZaak(constatering),
      address: premises,
      byAddress: round % 2 === 1,
      object: 'lokaal',
      constatering,
      drugs: 'soft',
      besluit: 'Sluiting',
      start: this.#yearsAgo(2, 20 + round),
      duur: '6',
      eigenaar: this.#company(VERHUURDERS),
      huurder: this.#company(HORECA_NAMEN),
    });
    const verleend = this.#daysAgo(90 + round);
    const permit = this.#permitZaak(verleend);
    this.permits.push({
      zaak: permit,
      type: 'Alcoholwetvergunning',
      address: premises,
      byAddress: round % 2 === 0,
      ...this.#company(HORECA_NAMEN),
      verleend,
      status: 'Verleend',
    });
    this.planted.VERGUNNING_BIBOB!.push(permit);
  }

  /** Horeca in an office or in a house. */
  plantHoreca(doel: 'kantoorfunctie' | 'woonfunctie', round: number): void {
    const address = this.#pool.take((a) => a.gebruiksdoel === doel);
    if (!address) return;
    const verleend = this.#daysAgo(300 + round);
    const zaak = this.#permitZaak(verleend);
    this.permits.push({
      zaak,
      type: doel === 'woonfunctie' ? 'Horeca' : 'Exploitatievergunning',
      address,
      byAddress: round % 2 === 1,
      ...this.#company(HORECA_NAMEN),
      verleend,
      tot: this.#yearsAgo(-4),
      status: 'Verleend',
    });
    this.planted.HORECA_GEEN_PASSENDE_FUNCTIE!.push(zaak);
  }

  /** Horeca where horeca belongs, room rental in homes; holders that appear in no Damocles case. */
  backgroundPermit(): void {
    const random = this.#random;
    const horeca = random() < 0.45;
    const address = this.#pool.take(horeca ? isHorecaPlace : (a) => a.gebruiksdoel === 'woonfunctie');
    if (!address) return;
    const verleend = this.#daysAgo(between(random, 30, 8 * 365));
    const type = horeca
      ? pick(random, ['Exploitatievergunning', 'Alcoholwetvergunning', 'Drank- en Horecavergunning', 'Terrasvergunning'])
      : pick(random, ['Omzettingsvergunning', 'Kamerverhuur', 'Huisvesting arbeidsmigranten']);
    const holder =
      horeca || random() < 0.5 ? this.#company(horeca ? HORECA_NAMEN : VERHUURDERS) : { bsn: outsiderBsn(++this.#outsider), naam: this.#personName() };
    const tot = horeca && random() < 0.6 ? undefined : new Date(verleend.getTime() + 5 * 365 * DAY);
    const status = random() < 0.08 ? 'Ingetrokken' : random() < 0.05 ? 'In behandeling' : 'Verleend';
    this.permits.push({ zaak: this.#permitZaak(verleend), type, address, byAddress: random() < 0.4, ...holder, verleend, tot, status });
  }

  /**
   * A first finding of soft drugs in a home ends in a warning or a penalty, not a closure; the
   * closures here are of premises nobody lives in, owned by people from outside the municipality.
   */
  backgroundCase(): void {
    const random = this.#random;
    const constatering = this.#daysAgo(between(random, 20, 6 * 365));
    const home = random() < 0.5 ? this.#pool.take((a) => a.gebruiksdoel === 'woonfunctie') : undefined;
    if (home) {
      this.cases.push({
        zaak: this.#caseZaak(constatering),
        address: home,
        byAddress: random() < 0.5,
        object: 'woning',
        constatering,
        drugs: pick(random, ['soft', 'hennep']),
        besluit: pick(random, ['Waarschuwing', 'Last onder dwangsom']),
        eigenaar: pick(random, CORPORATIES),
        huurder: home.residents[0] ? { bsn: home.residents[0], naam: this.#personName() } : undefined,
      });
      return;
    }
    const premises = this.#pool.take((a) => a.gebruiksdoel !== 'woonfunctie');
    if (!premises) return;
    const start = new Date(constatering.getTime() + between(random, 14, 60) * DAY);
    const indefinite = random() < 0.15;
    this.cases.push({
      zaak: this.#caseZaak(constatering),
      address: premises,
      byAddress: random() < 0.5,
      object: 'lokaal',
      constatering,
      drugs: pick(random, ['hard', 'hennep', 'voorbereidingshandelingen']),
      besluit: 'Sluiting',
      start,
      duur: indefinite ? 'onbepaalde tijd' : `${pick(random, [3, 6, 12])} maanden`,
      eigenaar: { bsn: outsiderBsn(++this.#outsider), naam: this.#personName() },
      huurder: this.#company(HORECA_NAMEN),
    });
  }

  #daysAgo(n: number): Date {
    return new Date(this.#today.getTime() - n * DAY);
  }

  #yearsAgo(years: number, plusDays = 0): Date {
    const d = new Date(this.#today);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    return new Date(d.getTime() - plusDays * DAY);
  }

  #permitZaak(date: Date): string {
    return `Z/${date.getUTCFullYear()}/${String(++this.#permitSerial).padStart(6, '0')}`;
  }

  #caseZaak(date: Date): string {
    return `DAM-${date.getUTCFullYear()}-${String(++this.#caseSerial).padStart(3, '0')}`;
  }

  #company(names: string[]): { kvk: string; naam: string } {
    return { kvk: kvkFor(++this.#kvk), naam: `${pick(this.#random, names)} ${pick(this.#random, ['B.V.', 'V.O.F.', 'Holding B.V.'])}` };
  }

  #personName(): string {
    return pick(this.#random, PERSOONSNAMEN);
  }
}

/** Hands out each sample address once, in a seeded random order, so planted cases never share one. */
class AddressPool {
  readonly #order: SampleAddress[];
  readonly #used = new Set<string>();

  constructor(addresses: SampleAddress[], random: () => number) {
    this.#order = [...addresses];
    for (let i = this.#order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [this.#order[i], this.#order[j]] = [this.#order[j]!, this.#order[i]!];
    }
  }

  take(fits: (address: SampleAddress) => boolean): SampleAddress | undefined {
    const found = this.#order.find((a) => !this.#used.has(a.verblijfsobjectId) && fits(a));
    if (found) this.#used.add(found.verblijfsobjectId);
    return found;
  }
}

function utcToday(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const pc = (a: SampleAddress) => `${a.postcode.slice(0, 4)} ${a.postcode.slice(4)}`;

/** The permit register as a licensing team keeps it: real date cells, a second sheet with notes. */
function permitWorkbook(permits: Permit[]): Buffer {
  const header = [
    'Zaaknummer',
    'Soort vergunning',
    'Verblijfsobject-ID',
    'Postcode',
    'Huisnr',
    'Huisletter',
    'Naam vergunninghouder',
    'KvK-nummer',
    'BSN',
    'Datum verleend',
    'Geldig t/m',
    'Status',
  ];
  const rows = permits.map((p) => [
    p.zaak,
    p.type,
    p.byAddress ? '' : p.address.verblijfsobjectId,
    pc(p.address),
    p.address.huisnummer,
    p.address.huisletter,
    p.naam,
    p.kvk ?? '',
    p.bsn ?? '',
    p.verleend,
    p.tot ?? null,
    p.status,
  ]);
  const sheet = XLSX.utils.aoa_to_sheet([header, ...rows.map((r) => r.map((v) => (v instanceof Date ? null : v)))]);
  rows.forEach((row, r) =>
    row.forEach((value, c) => {
      if (value instanceof Date) sheet[XLSX.utils.encode_cell({ r: r + 1, c })] = { t: 'n', v: excelSerial(value), z: 'dd-mm-yyyy' };
    }),
  );
  sheet['!cols'] = header.map((h) => ({ wch: Math.max(12, h.length + 2) }));
  const notes = XLSX.utils.aoa_to_sheet([
    ['Toelichting'],
    ['Vergunningenregister team Vergunningen, Toezicht en Handhaving. Alleen het eerste blad wordt ingelezen.'],
  ]);
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, sheet, 'Vergunningen');
  XLSX.utils.book_append_sheet(workbook, notes, 'Toelichting');
  return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

const excelSerial = (d: Date): number => Math.round((d.getTime() - Date.UTC(1899, 11, 30)) / DAY);
const dmy = (d: Date | undefined): string =>
  d ? `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}` : '';

/** The Damocles register as saved from Excel: UTF-8 with BOM, `;`, dd-mm-jjjj, CRLF. */
function caseCsv(cases: Case[]): string {
  const header = [
    'Zaaknummer',
    'BAG-id',
    'Postcode',
    'Huisnummer',
    'Huisletter',
    'Soort object',
    'Datum constatering',
    'Drugs',
    'Besluit',
    'Startdatum sluiting',
    'Einddatum sluiting',
    'Duur',
    'Eigenaar',
    'KvK eigenaar',
    'BSN eigenaar',
    'Huurder',
    'KvK huurder',
    'BSN huurder',
  ];
  const cell = (v: string | number | undefined) => {
    const s = v === undefined ? '' : String(v);
    return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = cases.map((c) =>
    [
      c.zaak,
      c.byAddress ? '' : c.address.verblijfsobjectId,
      pc(c.address),
      c.address.huisnummer,
      c.address.huisletter,
      c.object,
      dmy(c.constatering),
      c.drugs,
      c.besluit,
      dmy(c.start),
      dmy(c.einde),
      c.duur,
      c.eigenaar?.naam,
      c.eigenaar?.kvk,
      c.eigenaar?.bsn,
      c.huurder?.naam,
      c.huurder?.kvk,
      c.huurder?.bsn,
    ]
      .map(cell)
      .join(';'),
  );
  return '\uFEFF' + [header.join(';'), ...lines].join('\r\n') + '\r\n';
}
