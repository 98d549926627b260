import type { Session } from '../../lib/db.ts';

export interface Concentration {
  regel: string;
  gemeentecode: string;
  gebied: string;
  open_signalen: number;
  inwoners: number;
  per_1000_inwoners: number;
  gemeente_per_1000_inwoners: number;
  verhouding: number;
}

/** Said wherever a concentration is named: the number shows where rules bite, not who does wrong. */
export const SPREIDING_VOORBEHOUD =
  'Let op: een concentratie laat zien waar de regels aanslaan, niet waar het misgaat. Ze kan komen door hoe een ' +
  'wijk gebouwd is (kleine woningen, bedrijfspanden) of door waar eerder gecontroleerd is, en is geen reden om ' +
  'een buurt of haar bewoners anders te behandelen. Bespreek haar, en kijk of de regel daar iets anders meet dan bedoeld.';

/**
 * The areas (PC4) with at least `min` open signals of a rule and more than `factor` times the
 * municipality's rate per 1,000 residents for that rule (signals.spreiding).
 */
export async function concentrations(
  db: Pick<Session, 'query'>,
  settings: { SPREIDING_FACTOR: number; SPREIDING_MIN: number },
  gemeentecode?: string,
): Promise<Concentration[]> {
  // One municipality's report names its own areas only.
  const { rows } = await db.query<Record<keyof Concentration, string | number>>(
    `SELECT regel, gemeentecode, gebied, open_signalen, inwoners, per_1000_inwoners, gemeente_per_1000_inwoners, verhouding
     FROM signals.spreiding
     WHERE open_signalen >= $2 AND per_1000_inwoners > $1::numeric * gemeente_per_1000_inwoners AND ($3::text IS NULL OR gemeentecode = $3)
     ORDER BY regel, gemeentecode, verhouding DESC, gebied`,
    [settings.SPREIDING_FACTOR, settings.SPREIDING_MIN, gemeentecode ?? null],
  );
  return rows.map((r) => ({
    regel: String(r.regel),
    gemeentecode: String(r.gemeentecode),
    gebied: String(r.gebied),
    open_signalen: Number(r.open_signalen),
    inwoners: Number(r.inwoners),
    per_1000_inwoners: Number(r.per_1000_inwoners),
    gemeente_per_1000_inwoners: Number(r.gemeente_per_1000_inwoners),
    verhouding: Number(r.verhouding),
  }));
}

const nl = (n: number) => n.toLocaleString('nl-NL', { maximumFractionDigits: 1 });

/** One Dutch line per concentration. */
export function concentrationLine(c: Concentration): string {
  return (
    `${c.regel} in postcodegebied ${c.gebied} (gemeente ${c.gemeentecode}): ${c.open_signalen} open signalen op ${c.inwoners} ingeschreven bewoners ` +
    `(${nl(c.per_1000_inwoners)} per 1.000, ${nl(c.verhouding)} keer het cijfer van de gemeente, ${nl(c.gemeente_per_1000_inwoners)} per 1.000)`
  );
}

/** The lines for a report: a heading, the concentrations, the caution; nothing when there are none. */
export function concentrationText(list: Concentration[], factor: number): string[] {
  if (!list.length) return [];
  return [
    `Concentraties om te bespreken (meer dan ${nl(factor)} keer het cijfer van de gemeente, zie signals.spreiding):`,
    ...list.map((c) => `- ${concentrationLine(c)}`),
    SPREIDING_VOORBEHOUD,
  ];
}
