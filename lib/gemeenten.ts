/**
 * The municipalities one warehouse serves (GEMEENTEN) and the agreements under which rules may
 * look across them (SAMENWERKING). Both are input an administrator types: every entry is checked
 * and a problem names the entry, never a guess at what was meant.
 */

/** CBS gemeentecodes this project knows by name; others are named with GEMEENTE_NAMEN. */
export const KNOWN_GEMEENTEN: Readonly<Record<string, string>> = {
  '0632': 'Woerden',
  '0589': 'Oudewater',
  '0344': 'Utrecht',
  '0363': 'Amsterdam',
  '0599': 'Rotterdam',
  '0518': "'s-Gravenhage",
  '0221': 'Doesburg',
  '0356': 'Nieuwegein',
  '0307': 'Amersfoort',
  '1904': 'Stichtse Vecht',
  '0627': 'Waddinxveen',
  '1884': 'Kaag en Braassem',
  '1931': 'Krimpenerwaard',
  '0484': 'Alphen aan den Rijn',
  '0736': 'De Ronde Venen',
  '0331': 'Lopik',
  '0321': 'Houten',
  '0353': 'IJsselstein',
  '0335': 'Montfoort',
};

/** The code the warehouse gives a delivery that names no municipality while none is configured. */
export const GEEN_GEMEENTE = '0000';

export interface Gemeente {
  code: string;
  naam: string;
}

export interface Samenwerking {
  naam: string;
  gemeenten: string[];
}

export interface GemeentenConfig {
  /** Empty: one municipality, whatever the data says (the behaviour before several were possible). */
  gemeenten: Gemeente[];
  samenwerkingen: Samenwerking[];
}

const CODE = /^\d{4}$/;

/** A gemeentecode: four digits, not 0000 (which the warehouse keeps for "not said"). */
export function codeProblem(code: string): string | undefined {
  if (!CODE.test(code)) return `${JSON.stringify(code.slice(0, 20))} is geen gemeentecode (4 cijfers, zoals 0632)`;
  if (code === GEEN_GEMEENTE) return '0000 is geen gemeentecode';
  return undefined;
}

/** GEMEENTE_NAMEN: `0335=Montfoort,1234=Ergens`, names for codes the table above lacks. */
export function parseNamen(text: string | undefined): { namen: Record<string, string>; problems: string[] } {
  const namen: Record<string, string> = {};
  const problems: string[] = [];
  for (const entry of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d{4})\s*=\s*(.+)$/.exec(entry);
    const naam = m?.[2]?.trim();
    if (!m || !naam) {
      problems.push(`GEMEENTE_NAMEN: ${JSON.stringify(entry.slice(0, 40))} is geen code=naam`);
      continue;
    }
    const why = codeProblem(m[1]!);
    if (why) problems.push(`GEMEENTE_NAMEN: ${why}`);
    else if (!/^[\p{L}\p{M}' .-]{1,60}$/u.test(naam)) problems.push(`GEMEENTE_NAMEN: de naam bij ${m[1]} bevat tekens die een gemeentenaam niet heeft`);
    else namen[m[1]!] = naam;
  }
  return { namen, problems };
}

export function gemeenteNaam(code: string, namen: Record<string, string> = {}): string {
  return namen[code] ?? KNOWN_GEMEENTEN[code] ?? (code === GEEN_GEMEENTE ? 'gemeente' : `gemeente ${code}`);
}

/**
 * GEMEENTEN (`0632,0589`), SAMENWERKING (`0632+0589` or `Werkorganisatie=0632+0589`, several
 * separated by `,`) and GEMEENTE_NAMEN. An agreement may only name configured municipalities and
 * at least two; a municipality needs a name, from the table or GEMEENTE_NAMEN.
 */
export function parseGemeenten(input: { GEMEENTEN?: string; SAMENWERKING?: string; GEMEENTE_NAMEN?: string }): { config: GemeentenConfig; problems: string[] } {
  const { namen, problems } = parseNamen(input.GEMEENTE_NAMEN);
  const gemeenten: Gemeente[] = [];
  for (const code of (input.GEMEENTEN ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const why = codeProblem(code);
    if (why) problems.push(`GEMEENTEN: ${why}`);
    else if (gemeenten.some((g) => g.code === code)) problems.push(`GEMEENTEN: ${code} staat er twee keer in`);
    else if (!namen[code] && !KNOWN_GEMEENTEN[code]) problems.push(`GEMEENTEN: de naam van ${code} is onbekend; geef hem met GEMEENTE_NAMEN=${code}=Naam`);
    else gemeenten.push({ code, naam: gemeenteNaam(code, namen) });
  }
  const samenwerkingen: Samenwerking[] = [];
  for (const entry of (input.SAMENWERKING ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(?:([^=+]{1,80})=)?\s*(\d{4}(?:\s*\+\s*\d{4})+)$/.exec(entry);
    if (!m) {
      problems.push(`SAMENWERKING: ${JSON.stringify(entry.slice(0, 60))} is geen afspraak; schrijf 0632+0589 of Naam=0632+0589`);
      continue;
    }
    const codes = [...new Set(m[2]!.split('+').map((s) => s.trim()))].sort();
    const missing = codes.filter((c) => !gemeenten.some((g) => g.code === c));
    if (codes.length < 2) problems.push(`SAMENWERKING: ${entry} noemt maar één gemeente`);
    else if (missing.length) problems.push(`SAMENWERKING: ${missing.join(', ')} staat niet in GEMEENTEN`);
    else {
      const naam = m[1]?.trim() || `samenwerking ${codes.map((c) => gemeenteNaam(c, namen)).join(' en ')}`;
      if (!/^[\p{L}\p{M}\p{N}' ().,&-]{1,80}$/u.test(naam))
        problems.push(`SAMENWERKING: de naam ${JSON.stringify(naam.slice(0, 40))} bevat tekens die niet in een naam horen`);
      else samenwerkingen.push({ naam, gemeenten: codes });
    }
  }
  return { config: { gemeenten, samenwerkingen }, problems };
}

/** Whether the warehouse serves named municipalities (GEMEENTEN set) rather than one unnamed. */
export const meerdereGemeenten = (c: GemeentenConfig) => c.gemeenten.length > 0;
