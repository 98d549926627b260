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
}

export interface GeneratedRegisters {
  files: string[];
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
const HORECA_NAMEN = ['Eetcafé De Gouden Leeuw', 'Grand Café Rijnzicht', 'Shisha Lounge Oriënt', 'Snackbar Het Hoekje', 'Café De Molen', 'Restaurant De Linschoten', 'Bar Bodega Central', 'Lunchroom Het Pleintje', 'Pizzeria Bella Vista', 'Proeflokaal De Waag'];
const VERHUURDERS = ['Kamerverhuur Midden-Nederland', 'Flexwonen Groene Hart', 'Agri Staffing Huisvesting', 'Woonruimte Rijnland', 'Van Dam Vastgoed'];
const PERSOONSNAMEN = ['J. de Vries', 'M. Yilmaz', 'P. Jansen', 'A. El Amrani', 'K. Nowak', 'S. Bakker', 'R. Visser', 'E. Kaya', 'T. Smit', 'L. Mulder'];
const CORPORATIES = [{ kvk: '30123456', naam: 'Woonstichting Rijnhart' }, { kvk: '30234567', naam: 'Stichting GroenWonen' }];

/** KvK numbers from a range no real register uses in these tests; one per company, never reused. */
const kvkFor = (n: number): string => String(69_000_000 + n);
/** Persons from outside the municipality: valid BSNs far beyond the synthetic residents. */
const outsiderBsn = (n: number): string => bsnFor(20_000_000 + n);

export async function generateRegisters(dir: string, plan: RegisterPlan): Promise<GeneratedRegisters> {
  const random = rng(plan.seed);
  const today = utcToday();
  const daysAgo = (n: number) => new Date(today.getTime() - n * DAY);
  const yearsAgo = (years: number, plusDays = 0) => {
    const d = new Date(today);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    return new Date(d.getTime() - plusDays * DAY);
  };
  const pool = new AddressPool(plan.addresses, random);
  let kvkSerial = 0;
  let outsider = 0;
  let permitSerial = 0;
  let caseSerial = 0;
  const permitZaak = (year: number) => `Z/${year}/${String(++permitSerial).padStart(6, '0')}`;
  const caseZaak = (year: number) => `DAM-${year}-${String(++caseSerial).padStart(3, '0')}`;
  const company = (names: string[]) => ({ kvk: kvkFor(++kvkSerial), naam: `${pick(random, names)} ${pick(random, ['B.V.', 'V.O.F.', 'Holding B.V.'])}` });
  const permits: Permit[] = [];
  const cases: Case[] = [];
  const planted: Record<string, string[]> = {
    DAMOCLES_BEWONING: [],
    DAMOCLES_BETROKKENE_ELDERS: [],
    VERGUNNING_BIBOB: [],
    HORECA_GEEN_PASSENDE_FUNCTIE: [],
  };

  // ---- planted cases, one or two per rule, on addresses nothing else uses

  // A home closed for hard drugs six weeks ago, its tenant still registered there.
  const closedHome = pool.take((a) => a.gebruiksdoel === 'woonfunctie' && a.residents.length > 0);
  if (closedHome) {
    const zaak = caseZaak(today.getUTCFullYear());
    cases.push({
      zaak, address: closedHome, byAddress: false, object: 'woning', constatering: daysAgo(60), drugs: 'hard', besluit: 'Sluiting',
      start: daysAgo(45), duur: '3 maanden', eigenaar: CORPORATIES[0], huurder: { bsn: closedHome.residents[0]!, naam: pick(random, PERSOONSNAMEN) },
    });
    planted.DAMOCLES_BEWONING!.push(zaak);
  }

  // Premises closed last spring: the owner lives elsewhere in town, the tenant company runs a bar elsewhere.
  const closedShop = pool.take((a) => a.gebruiksdoel !== 'woonfunctie') ?? pool.take(() => true);
  const ownerHome = pool.take((a) => a.gebruiksdoel === 'woonfunctie' && a.residents.length > 0);
  const barElsewhere = pool.take((a) => a.gebruiksdoel === 'bijeenkomstfunctie' || a.gebruiksdoel === 'winkelfunctie') ?? pool.take(() => true);
  if (closedShop && ownerHome && barElsewhere) {
    const tenant = company(HORECA_NAMEN);
    const zaak = caseZaak(today.getUTCFullYear() - 1);
    cases.push({
      zaak, address: closedShop, byAddress: true, object: 'lokaal', constatering: daysAgo(250), drugs: 'voorbereidingshandelingen', besluit: 'Sluiting',
      start: daysAgo(230), einde: daysAgo(140), eigenaar: { bsn: ownerHome.residents[0]!, naam: pick(random, PERSOONSNAMEN) }, huurder: tenant,
    });
    planted.DAMOCLES_BETROKKENE_ELDERS!.push(`${zaak}/eigenaar`, `${zaak}/huurder`);
    const bar = permitZaak(today.getUTCFullYear() - 2);
    permits.push({ zaak: bar, type: 'Exploitatievergunning', address: barElsewhere, byAddress: false, ...tenant, verleend: yearsAgo(2), status: 'Verleend' });
    planted.VERGUNNING_BIBOB!.push(bar);
  }

  // An alcohol permit for premises that were closed under Damocles two years ago.
  const reopened = pool.take((a) => a.gebruiksdoel === 'bijeenkomstfunctie' || a.gebruiksdoel === 'winkelfunctie') ?? pool.take(() => true);
  if (reopened) {
    cases.push({
      zaak: caseZaak(today.getUTCFullYear() - 2), address: reopened, byAddress: false, object: 'lokaal', constatering: yearsAgo(2, 40), drugs: 'soft',
      besluit: 'Sluiting', start: yearsAgo(2, 20), duur: '6', eigenaar: company(VERHUURDERS), huurder: company(HORECA_NAMEN),
    });
    const permit = permitZaak(today.getUTCFullYear());
    const holder = company(HORECA_NAMEN);
    permits.push({ zaak: permit, type: 'Alcoholwetvergunning', address: reopened, byAddress: true, ...holder, verleend: daysAgo(90), status: 'Verleend' });
    planted.VERGUNNING_BIBOB!.push(permit);
  }

  // Horeca in an office and in a house.
  for (const doel of ['kantoorfunctie', 'woonfunctie']) {
    const address = pool.take((a) => a.gebruiksdoel === doel);
    if (!address) continue;
    const zaak = permitZaak(today.getUTCFullYear() - 1);
    permits.push({ zaak, type: doel === 'woonfunctie' ? 'Horeca' : 'Exploitatievergunning', address, byAddress: false, ...company(HORECA_NAMEN), verleend: daysAgo(300), tot: yearsAgo(-4), status: 'Verleend' });
    planted.HORECA_GEEN_PASSENDE_FUNCTIE!.push(zaak);
  }

  // ---- background: ordinary permits and cases that no rule should flag

  const permitCount = Math.max(8, Math.round(plan.verblijfsobjecten / 150));
  for (let i = permits.length; i < permitCount; i++) {
    const horeca = random() < 0.45;
    const address = horeca
      ? pool.take((a) => a.gebruiksdoel === 'bijeenkomstfunctie' || a.gebruiksdoel === 'winkelfunctie')
      : pool.take((a) => a.gebruiksdoel === 'woonfunctie');
    if (!address) continue;
    const verleend = daysAgo(between(random, 30, 8 * 365));
    const type = horeca ? pick(random, ['Exploitatievergunning', 'Alcoholwetvergunning', 'Drank- en Horecavergunning', 'Terrasvergunning']) : pick(random, ['Omzettingsvergunning', 'Kamerverhuur', 'Huisvesting arbeidsmigranten']);
    const holder = horeca || random() < 0.5 ? company(horeca ? HORECA_NAMEN : VERHUURDERS) : { bsn: outsiderBsn(++outsider), naam: pick(random, PERSOONSNAMEN) };
    const tot = horeca && random() < 0.6 ? undefined : new Date(verleend.getTime() + 5 * 365 * DAY);
    const status = random() < 0.08 ? 'Ingetrokken' : random() < 0.05 ? 'In behandeling' : 'Verleend';
    permits.push({ zaak: permitZaak(verleend.getUTCFullYear()), type, address, byAddress: random() < 0.4, ...holder, verleend, tot, status });
  }

  const caseCount = Math.max(5, Math.round(plan.verblijfsobjecten / 2000));
  for (let i = cases.length; i < caseCount; i++) {
    const constatering = daysAgo(between(random, 20, 6 * 365));
    const year = constatering.getUTCFullYear();
    // A first finding of soft drugs in a home ends in a warning; closures here are of premises.
    const home = random() < 0.5 ? pool.take((a) => a.gebruiksdoel === 'woonfunctie') : undefined;
    if (home) {
      cases.push({
        zaak: caseZaak(year), address: home, byAddress: random() < 0.5, object: 'woning', constatering, drugs: pick(random, ['soft', 'hennep']),
        besluit: pick(random, ['Waarschuwing', 'Last onder dwangsom']), eigenaar: pick(random, CORPORATIES),
        huurder: home.residents[0] ? { bsn: home.residents[0], naam: pick(random, PERSOONSNAMEN) } : undefined,
      });
      continue;
    }
    const premises = pool.take((a) => a.gebruiksdoel !== 'woonfunctie');
    if (!premises) continue;
    const start = new Date(constatering.getTime() + between(random, 14, 60) * DAY);
    const indefinite = random() < 0.15;
    cases.push({
      zaak: caseZaak(year), address: premises, byAddress: random() < 0.5, object: 'lokaal', constatering, drugs: pick(random, ['hard', 'hennep', 'voorbereidingshandelingen']),
      besluit: 'Sluiting', start, duur: indefinite ? 'onbepaalde tijd' : `${pick(random, [3, 6, 12])} maanden`,
      eigenaar: { bsn: outsiderBsn(++outsider), naam: pick(random, PERSOONSNAMEN) }, huurder: company(HORECA_NAMEN),
    });
  }

  await mkdir(join(dir, 'permits'), { recursive: true });
  await mkdir(join(dir, 'damocles'), { recursive: true });
  const permitFile = join(dir, 'permits', 'vergunningen.xlsx');
  const caseFile = join(dir, 'damocles', 'damocles-register.csv');
  await writeFile(permitFile, permitWorkbook(permits));
  await writeFile(caseFile, caseCsv(cases), 'utf8');
  return { files: [permitFile, caseFile], planted };
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
  const header = ['Zaaknummer', 'Soort vergunning', 'Verblijfsobject-ID', 'Postcode', 'Huisnr', 'Huisletter', 'Naam vergunninghouder', 'KvK-nummer', 'BSN', 'Datum verleend', 'Geldig t/m', 'Status'];
  const rows = permits.map((p) => [
    p.zaak, p.type, p.byAddress ? '' : p.address.verblijfsobjectId, pc(p.address), p.address.huisnummer, p.address.huisletter, p.naam,
    p.kvk ?? '', p.bsn ?? '', p.verleend, p.tot ?? null, p.status,
  ]);
  const sheet = XLSX.utils.aoa_to_sheet([header, ...rows.map((r) => r.map((v) => (v instanceof Date ? null : v)))]);
  rows.forEach((row, r) =>
    row.forEach((value, c) => {
      if (value instanceof Date) sheet[XLSX.utils.encode_cell({ r: r + 1, c })] = { t: 'n', v: excelSerial(value), z: 'dd-mm-yyyy' };
    }),
  );
  sheet['!cols'] = header.map((h) => ({ wch: Math.max(12, h.length + 2) }));
  const notes = XLSX.utils.aoa_to_sheet([['Toelichting'], ['Vergunningenregister team Vergunningen, Toezicht en Handhaving. Alleen het eerste blad wordt ingelezen.']]);
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
  const header = ['Zaaknummer', 'BAG-id', 'Postcode', 'Huisnummer', 'Huisletter', 'Soort object', 'Datum constatering', 'Drugs', 'Besluit', 'Startdatum sluiting', 'Einddatum sluiting', 'Duur', 'Eigenaar', 'KvK eigenaar', 'BSN eigenaar', 'Huurder', 'KvK huurder', 'BSN huurder'];
  const cell = (v: string | number | undefined) => {
    const s = v === undefined ? '' : String(v);
    return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = cases.map((c) =>
    [
      c.zaak, c.byAddress ? '' : c.address.verblijfsobjectId, pc(c.address), c.address.huisnummer, c.address.huisletter, c.object, dmy(c.constatering), c.drugs, c.besluit,
      dmy(c.start), dmy(c.einde), c.duur, c.eigenaar?.naam, c.eigenaar?.kvk, c.eigenaar?.bsn, c.huurder?.naam, c.huurder?.kvk, c.huurder?.bsn,
    ].map(cell).join(';'),
  );
  return '\uFEFF' + [header.join(';'), ...lines].join('\r\n') + '\r\n';
}
