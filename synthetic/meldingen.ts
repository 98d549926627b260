import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { between, pick, rng } from './random.ts';

/** An address as the meldpunt may name it: by BAG id, or by postcode and huisnummer. */
export interface MeldingAddress {
  id: string;
  postcode: string;
  huisnummer: number;
  huisletter: string;
}

export interface MeldpuntPlan {
  /** Addresses the registers flag (planted overbewoning): recent meldingen here make MELDING_EN_DATASIGNAAL fire. */
  flagged: MeldingAddress[];
  /** Ordinary addresses for the meldingen that lead nowhere yet. */
  ordinary: MeldingAddress[];
  /** Postcodes of real streets, for house numbers the BAG does not have. */
  streets: string[];
  gemeentecode: string;
  /** The day the meldingen are dated back from (ms since epoch, UTC midnight). */
  today: number;
  seed: number;
  /** How many meldingen in all (at least the planted ones). */
  count: number;
}

export interface GeneratedMeldpunt {
  file: string;
  planted: Record<string, string[]>;
  nearMiss: Record<string, string[]>;
  /** Free texts that name people or carry a formula: never to be found in a report, e-mail or overview. */
  sensitive: string[];
}

const INTERN = ['Burgerzaken', 'VTH', 'KCC', 'Handhaving', 'Wijkteam', 'Belastingen'];
const PARTNERS = ['Politie basisteam Woerden', 'RIEC Midden-Nederland', 'Woonstichting Rijnhart', 'Openbaar Ministerie', 'GGD'];
const CATEGORIES = ['drugs', 'mensenhandel/uitbuiting', 'witwassen', 'huisvesting', 'horeca', 'vastgoed', 'overig'];
const TEXTS = [
  'Veel wisselende bewoners, matrassen gezien bij het grofvuil.',
  'Pand is altijd donker, ramen afgeplakt; sterke geur van hennep.',
  'Contant betaald bij aankoop van een tweede woning; koper zegt geen inkomen te hebben.',
  'Kapsalon zonder klanten, wel een dure auto voor de deur.',
  "Busjes met arbeidsmigranten die 's ochtends vroeg worden opgehaald; bewoners durven niet te praten.",
  'Bij de balie geen geldig huurcontract; "kamer" gedeeld met vijf anderen.',
  'Veel bezoek kort na elkaar, tot laat in de nacht.',
];
// Fictitious people: the test proves these names never leave the analysts' views.
const NAMED = [
  'Buurvrouw mevrouw T. Verhoeven-Smit zegt dat haar neef K. Brandsma hier "handelt".',
  'Volgens de melder verhuurt R. Oudshoorn de zolder aan zes mannen.',
];
// What a hostile or careless melder types: a spreadsheet formula.
export const FORMULA_TEXT = '=HYPERLINK("http://example.invalid/x";"Klik hier voor de foto\'s")';

const dmy = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
};
const cell = (v: string | number | undefined) => {
  const s = v === undefined ? '' : String(v);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The meldpunt export of a synthetic municipality, as a form tool saves it for Excel: `;`, UTF-8
 * with BOM, dd-mm-jjjj, the free text quoted (it holds `;` and line breaks). Planted: recent
 * meldingen on addresses the registers flag, meldingen on addresses the BAG does not know, one
 * old melding on a flagged address (outside the twelve months: a near miss), anonymous meldingen
 * (one with a reference that must not be kept), texts that name people and one formula.
 */
export async function generateMeldpunt(dir: string, plan: MeldpuntPlan): Promise<GeneratedMeldpunt> {
  const random = rng(plan.seed);
  const year = new Date(plan.today).getUTCFullYear();
  let serial = 0;
  const rows: (string | number | undefined)[][] = [];
  const planted: Record<string, string[]> = { MELDING_EN_DATASIGNAAL: [], ADRES_ONBEKEND: [] };
  const nearMiss: Record<string, string[]> = { MELDING_EN_DATASIGNAAL: [] };
  const add = (
    daysAgo: number,
    address: { id?: string; postcode: string; huisnummer: number; huisletter?: string },
    options: { kanaal?: string; ref?: string; text?: string; byId?: boolean } = {},
  ) => {
    const kanaal = options.kanaal ?? pick(random, ['intern', 'intern', 'partner', 'MMA', 'inwoner']);
    const ref = options.ref ?? (kanaal === 'intern' ? pick(random, INTERN) : kanaal === 'partner' ? pick(random, PARTNERS) : undefined);
    const byId = options.byId ?? random() < 0.5;
    const received = plan.today - daysAgo * 86_400_000;
    rows.push([
      `MP-${new Date(received).getUTCFullYear()}-${String(++serial).padStart(4, '0')}`,
      dmy(received),
      kanaal,
      ref,
      pick(random, CATEGORIES),
      byId && address.id ? address.id : undefined,
      address.postcode.slice(0, 4) + ' ' + address.postcode.slice(4),
      address.huisnummer,
      address.huisletter || undefined,
      options.text ?? pick(random, TEXTS),
    ]);
  };

  plan.flagged.forEach((a, k) => {
    if (k === plan.flagged.length - 1 && k > 0) {
      // Fourteen months ago: outside the rule's window.
      add(425 + k, a, { kanaal: 'intern', ref: 'Burgerzaken' });
      nearMiss.MELDING_EN_DATASIGNAAL!.push(a.id);
      return;
    }
    add(between(random, 10, 200), a, k === 0 ? { kanaal: 'partner', ref: 'Politie basisteam Woerden', text: NAMED[0] } : {});
    if (k % 2 === 0) add(between(random, 5, 60), a, { kanaal: 'MMA' });
    planted.MELDING_EN_DATASIGNAAL!.push(a.id);
  });
  // Addresses the BAG does not know: a house number the street does not have, and an id that exists nowhere.
  plan.streets.slice(0, 2).forEach((postcode, k) => {
    const huisnummer = 950 + k;
    add(between(random, 20, 300), { postcode, huisnummer }, { kanaal: k === 0 ? 'inwoner' : 'MMA', byId: false });
    planted.ADRES_ONBEKEND!.push(`${postcode}|${huisnummer}||`);
  });
  const ghost = `${plan.gemeentecode}01${String(9_999_000_000 + (plan.seed % 1000)).padStart(10, '0')}`;
  rows.push([
    'MP-ONBEKEND-1',
    dmy(plan.today - 40 * 86_400_000),
    'intern',
    'Handhaving',
    'vastgoed',
    ghost,
    undefined,
    undefined,
    undefined,
    'Object staat niet in de BAG maar wordt wel verhuurd.',
  ]);
  planted.ADRES_ONBEKEND!.push(`verblijfsobject:${ghost}`);

  const ordinary = plan.ordinary;
  const rest = Math.max(0, plan.count - rows.length);
  for (let i = 0; i < rest && ordinary.length > 0; i++) {
    const address = ordinary[(i * 7) % ordinary.length]!;
    const special =
      i === 0
        ? { kanaal: 'intern', ref: 'KCC', text: FORMULA_TEXT }
        : i === 1
          ? { kanaal: 'inwoner', text: NAMED[1] }
          : i === 2
            ? { kanaal: 'MMA', ref: 'Meldkamer MMA, dossier Jansen' }
            : {};
    add(between(random, 1, 700), address, special);
  }
  const header = [
    'Meldingnummer',
    'Datum melding',
    'Kanaal',
    'Afdeling/partner',
    'Categorie',
    'BAG-id',
    'Postcode',
    'Huisnummer',
    'Huisletter',
    'Omschrijving',
  ];
  await mkdir(join(dir, 'meldingen'), { recursive: true });
  const file = join(dir, 'meldingen', `meldpunt-export-${year}.csv`);
  await writeFile(file, '\uFEFF' + [header.join(';'), ...rows.map((r) => r.map(cell).join(';'))].join('\r\n') + '\r\n', 'utf8');
  return { file, planted, nearMiss, sensitive: [...NAMED, FORMULA_TEXT, 'dossier Jansen'] };
}
