import type { Session } from '../../lib/db.ts';

/**
 * The sections of the overview for the monthly ondermijningsoverleg, as rows. Politie, OM and RIEC
 * attend, so nothing here names a person: no names, BSNs or pseudonyms, no free text of a melding
 * or a triage note (either may name people); addresses, counts, rule explanations and who of the
 * municipality judged a signal. Every query selects its columns by name for that reason.
 *
 * `gemeenten` limits the overview to the signals and meldingen of those municipalities (their
 * gemeentecode: migration 0090), for a municipality of its own within a shared warehouse; absent
 * or empty is the joint overview of all of them. Without GEMEENTEN (one municipality, 0000) a
 * code is matched against the first four digits of the BAG id, and a row without one is only in
 * the joint overview.
 */
export interface OverlegFilter {
  gemeenten?: string[];
}

export interface Period {
  /** The month of the overleg, YYYY-MM. */
  month: string;
  /** Exclusive: what happened after this day is new. The previous overleg's peildatum. */
  since: string;
  /** Inclusive: the overview's day (the end of the month, or today within it). */
  until: string;
  /** Whether `since` is a previous overleg's day, rather than the start of the month before. */
  afterPrevious: boolean;
}

export interface NewSignal {
  signal_id: string;
  rule_code: string;
  rule_title: string | null;
  severity: string;
  verblijfsobject_id: string | null;
  adres: string | null;
  postcode: string | null;
  woonplaats: string | null;
  explanation: string;
  first_seen: string;
  status: string;
  triage_status: string | null;
}
export interface NewMelding {
  melding_id: string;
  datum_ontvangen: string;
  kanaal: string;
  melder_referentie: string | null;
  categorie: string | null;
  verblijfsobject_id: string | null;
  adres: string | null;
  postcode: string | null;
  woonplaats: string | null;
  in_bag: boolean;
  terugkoppeling: string;
}
export interface RunningSignal {
  signal_id: string;
  rule_code: string;
  severity: string;
  verblijfsobject_id: string | null;
  adres: string | null;
  postcode: string | null;
  woonplaats: string | null;
  explanation: string;
  age_days: number;
  triage_at: string | null;
  triage_by: string | null;
}
export interface JudgedSignal {
  signal_id: string;
  rule_code: string;
  verblijfsobject_id: string | null;
  adres: string | null;
  postcode: string | null;
  woonplaats: string | null;
  outcome: string;
  judged_on: string;
  judged_by: string;
  signal_status: string;
}
export interface FeedbackOwed {
  melding_id: string;
  datum_ontvangen: string;
  kanaal: string;
  melder_referentie: string | null;
  categorie: string | null;
  verblijfsobject_id: string | null;
  adres: string | null;
  terugkoppeling: string;
  dagen: number;
}
export interface DossierItem {
  verblijfsobject_id: string;
  adres: string | null;
  postcode: string | null;
  woonplaats: string | null;
  soort: 'regel' | 'melding' | 'vergunning' | 'damocles';
  kenmerk: string;
  omschrijving: string;
  datum: string | null;
}

export interface OverlegSections {
  period: Period;
  newSignals: NewSignal[];
  newMeldingen: NewMelding[];
  running: RunningSignal[];
  judged: JudgedSignal[];
  feedbackOwed: FeedbackOwed[];
  dossiers: DossierItem[];
}

// A warehouse of one municipality (0000) knows its municipality only from the BAG ids.
const IN_GEMEENTE = (alias: string) =>
  `(cardinality($3::text[]) = 0 OR ${alias}gemeentecode = ANY ($3::text[]) OR (${alias}gemeentecode = '0000' AND left(${alias}verblijfsobject_id, 4) = ANY ($3::text[])))`;
// The address of a verblijfsobject as people write it: "Rijnstraat 12A-2".
const ADDRESS = `nullif(concat_ws(' ', n.openbareruimte, n.huisnummer::text || coalesce(n.huisletter, '') || coalesce('-' || n.huisnummertoevoeging, '')), '')`;
/** The day a signal first appeared, by the clock of the run that found it. */
const FIRST_SEEN = `coalesce((SELECT r.peildatum FROM pakhuis.trend_runs r WHERE r.run_id = s.first_seen_run), s.first_seen_at::date)`;

/** The overview's period: after the previous overleg (of an earlier month) up to the end of the month or today. */
export async function overlegPeriod(db: Pick<Session, 'query'>, month: string, today: string): Promise<Period> {
  const first = `${month}-01`;
  if (first > today) throw new OverlegError(`de maand ${month} is nog niet begonnen`);
  const { rows } = await db.query<{ until: string; previous: string | null; fallback: string }>(
    `SELECT least(($1::date + interval '1 month' - interval '1 day')::date, $2::date)::text AS until,
       (SELECT peildatum::text FROM pakhuis.overleg WHERE month < $1::date ORDER BY month DESC LIMIT 1) AS previous,
       ($1::date - interval '1 month' - interval '1 day')::date::text AS fallback`,
    [first, today],
  );
  const r = rows[0]!;
  return { month, since: r.previous ?? r.fallback, until: r.until, afterPrevious: r.previous !== null };
}

export class OverlegError extends Error {
  override name = 'OverlegError';
}

/** Every section, read in one snapshot; the feedback owed is counted as of the overview's day. */
export async function overlegSections(tx: Pick<Session, 'query'>, period: Period, filter: OverlegFilter = {}): Promise<OverlegSections> {
  const gemeenten = filter.gemeenten ?? [];
  await tx.query(`SELECT set_config('pakhuis.vandaag', $1, true)`, [period.until]);
  const p = [period.since, period.until, gemeenten];

  const { rows: newSignals } = await tx.query<NewSignal>(
    `SELECT s.id::text AS signal_id, s.rule_code, r.title AS rule_title, s.severity, s.verblijfsobject_id,
       coalesce(${ADDRESS}, s.evidence->>'adres') AS adres, n.postcode, n.woonplaats, s.explanation,
       ${FIRST_SEEN}::text AS first_seen, s.status, s.triage_status
     FROM pakhuis.signals s
     LEFT JOIN pakhuis.rules r ON r.code = s.rule_code
     LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = s.verblijfsobject_id
     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
     WHERE ${FIRST_SEEN} > $1::date AND ${FIRST_SEEN} <= $2::date
       AND ${IN_GEMEENTE('s.')}
     ORDER BY CASE s.severity WHEN 'hoog' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END, s.rule_code, n.postcode, n.huisnummer, s.id`,
    p,
  );

  const { rows: newMeldingen } = await tx.query<NewMelding>(
    `SELECT m.melding_id, m.datum_ontvangen::text, m.kanaal, m.melder_referentie, m.categorie, m.verblijfsobject_id,
       coalesce(nullif(concat_ws(' ', m.straat, m.huisnummer::text || coalesce(m.huisletter, '') || coalesce('-' || m.huisnummertoevoeging, '')), ''), m.postcode) AS adres,
       m.postcode, m.woonplaats, m.verblijfsobject_id IS NOT NULL AS in_bag, m.terugkoppeling
     FROM signals.meldingen m
     WHERE m.datum_ontvangen > $1::date AND m.datum_ontvangen <= $2::date
       AND ${IN_GEMEENTE('m.')}
     ORDER BY m.datum_ontvangen, m.melding_id`,
    p,
  );

  const { rows: running } = await tx.query<RunningSignal>(
    `SELECT s.id::text AS signal_id, s.rule_code, s.severity, s.verblijfsobject_id,
       coalesce(${ADDRESS}, s.evidence->>'adres') AS adres, n.postcode, n.woonplaats, s.explanation,
       ($2::date - ${FIRST_SEEN})::int AS age_days, s.triage_at::date::text AS triage_at, s.triage_by
     FROM pakhuis.signals s
     LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = s.verblijfsobject_id
     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
     WHERE s.status = 'open' AND s.triage_status = 'in_onderzoek' AND $1::date IS NOT NULL
       AND ${IN_GEMEENTE('s.')}
     ORDER BY age_days DESC, s.id`,
    p,
  );

  // The newest judgement per signal in the period; the note stays out (free text).
  const { rows: judged } = await tx.query<JudgedSignal>(
    `SELECT DISTINCT ON (s.id) s.id::text AS signal_id, s.rule_code, s.verblijfsobject_id,
       coalesce(${ADDRESS}, s.evidence->>'adres') AS adres, n.postcode, n.woonplaats,
       l.status AS outcome, l.at::date::text AS judged_on, l.by_user AS judged_by, s.status AS signal_status
     FROM pakhuis.triage_log l
     JOIN pakhuis.signals s ON s.id = l.signal_id
     LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = s.verblijfsobject_id
     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
     WHERE l.at::date > $1::date AND l.at::date <= $2::date
       AND ${IN_GEMEENTE('s.')}
     ORDER BY s.id, l.id DESC`,
    p,
  );

  const { rows: feedbackOwed } = await tx.query<FeedbackOwed>(
    `SELECT melding_id, datum_ontvangen::text, kanaal, melder_referentie, categorie, verblijfsobject_id,
       coalesce(nullif(concat_ws(' ', straat, huisnummer::text || coalesce(huisletter, '') || coalesce('-' || huisnummertoevoeging, '')), ''), postcode) AS adres,
       terugkoppeling, dagen_sinds_ontvangst AS dagen
     FROM signals.terugkoppeling_achterstallig
     WHERE $1::date IS NOT NULL AND $2::date IS NOT NULL
       AND ${IN_GEMEENTE('')}
     ORDER BY dagen_sinds_ontvangst DESC, melding_id`,
    p,
  );

  const objects = [
    ...new Set(
      [...newSignals, ...newMeldingen, ...running, ...judged, ...feedbackOwed].map((r) => r.verblijfsobject_id).filter((id): id is string => id !== null),
    ),
  ];
  const dossiers =
    objects.length === 0
      ? []
      : (
          await tx.query<DossierItem>(
            `WITH o AS (SELECT unnest($1::text[]) AS verblijfsobject_id),
     items AS (
       SELECT s.verblijfsobject_id, 'regel' AS soort, s.rule_code AS kenmerk,
         s.explanation || CASE WHEN s.triage_status IS NOT NULL THEN ' [' || replace(s.triage_status, '_', ' ') || ']' ELSE '' END AS omschrijving,
         s.first_seen_at::date AS datum, 1 AS orde
       FROM pakhuis.signals s JOIN o USING (verblijfsobject_id) WHERE s.status = 'open'
       UNION ALL
       SELECT m.verblijfsobject_id, 'melding', m.melding_id,
         concat_ws(', ', coalesce(m.categorie, 'zonder categorie'), m.kanaal || coalesce(' (' || m.melder_referentie || ')', ''), 'terugkoppeling: ' || replace(coalesce(t.status, 'ontvangen'), '_', ' ')),
         m.datum_ontvangen, 2
       FROM model.melding m JOIN o USING (verblijfsobject_id)
       LEFT JOIN LATERAL (SELECT l.status FROM pakhuis.terugkoppeling_log l WHERE l.gemeentecode = m.gemeentecode AND l.melding_id = m.melding_id ORDER BY l.id DESC LIMIT 1) t ON true
       UNION ALL
       SELECT v.verblijfsobject_id, 'vergunning', v.zaaknummer,
         concat_ws(', ', v.type, coalesce(v.status, 'status onbekend'), CASE WHEN v.geldig_tot IS NOT NULL THEN 'geldig tot ' || to_char(v.geldig_tot, 'DD-MM-YYYY') END),
         v.geldig_van, 3
       FROM model.vergunning v JOIN o USING (verblijfsobject_id)
       UNION ALL
       SELECT z.verblijfsobject_id, 'damocles', z.zaaknummer,
         concat_ws(', ', coalesce(z.besluit, 'besluit onbekend'), z.object_type, z.drugs_categorie,
           CASE WHEN z.sluiting_start IS NOT NULL THEN 'gesloten vanaf ' || to_char(z.sluiting_start, 'DD-MM-YYYY')
             || coalesce(' tot en met ' || to_char(z.sluiting_einde, 'DD-MM-YYYY'), ' (onbepaalde tijd)') END),
         z.datum_constatering, 4
       FROM model.damocles_zaak z JOIN o USING (verblijfsobject_id)
     )
     SELECT i.verblijfsobject_id, ${ADDRESS} AS adres, n.postcode, n.woonplaats, i.soort, i.kenmerk, i.omschrijving, i.datum::text AS datum
     FROM items i
     LEFT JOIN model.verblijfsobject v ON v.verblijfsobject_id = i.verblijfsobject_id
     LEFT JOIN model.nummeraanduiding n ON n.nummeraanduiding_id = v.hoofdadres_id
     ORDER BY n.postcode, n.huisnummer, i.verblijfsobject_id, i.orde, i.datum DESC NULLS LAST, i.kenmerk`,
            [objects],
          )
        ).rows;

  return { period, newSignals, newMeldingen, running, judged, feedbackOwed, dossiers };
}

const PSEUDONYM = /\b[0-9a-f]{64}\b/;

/**
 * The last check before anything leaves: no cell may hold a pseudonym. None of the queries above
 * selects one; this catches a rule whose explanation one day would.
 */
export function assertNoPseudonyms(sections: OverlegSections): void {
  for (const [name, rows] of Object.entries(sections)) {
    if (!Array.isArray(rows)) continue;
    for (const row of rows as object[]) {
      for (const value of Object.values(row)) {
        if (typeof value === 'string' && PSEUDONYM.test(value)) {
          throw new OverlegError(`het overzicht bevat in onderdeel ${name} iets dat op een pseudoniem lijkt; het wordt niet gemaakt`);
        }
      }
    }
  }
}
