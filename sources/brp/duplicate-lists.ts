import type { Session } from '../../lib/db.ts';
import { aantal } from '../../lib/dutch.ts';

/** Lists named per warning; the rest is counted. */
const SHOWN = 10;

/**
 * One BSN on two persoonslijsten is a dubbele inschrijving for the municipality to look into.
 * The model keeps the lists apart (sql/transforms/20_brp.sql groups by list, never by BSN) and the
 * rules count the person once per object; this says that it happened and where in the file. The
 * warning names the file's own pl ids and lines, never the BSN or an A-nummer.
 */
export async function duplicateBsnWarnings(session: Session, load: { loadId: number; file: string; marks: ReadonlyMap<string, number> }): Promise<string[]> {
  if (!load.marks.get('persoonslijst')) return [];
  const { rows } = await session.query<{ n: number; namen: string[] }>(
    `WITH lijsten AS (
       SELECT pseudonym, persoonslijst, min(line) AS regel
       FROM staging.brp
       WHERE load_id = $1 AND persoonslijst IS NOT NULL
       GROUP BY pseudonym, persoonslijst
     ),
     dubbel AS (
       SELECT min(regel) AS eerste,
         -- A list named by its line or by a pseudonymised A-nummer is shown by its line only.
         array_agg(CASE WHEN persoonslijst LIKE 'regel %' OR persoonslijst LIKE 'a-nummer %' THEN 'regel ' || regel
                        ELSE persoonslijst || ' (regel ' || regel || ')' END ORDER BY regel) AS namen
       FROM lijsten
       GROUP BY pseudonym
       HAVING count(*) > 1
     )
     SELECT (count(*) OVER ())::int AS n, namen FROM dubbel ORDER BY eerste LIMIT ${SHOWN}`,
    [load.loadId],
  );
  const warnings: string[] = [];
  if (rows.length > 0) {
    const n = rows[0]!.n;
    const listed = rows.map((r) => r.namen.join(' en ')).join('; ');
    const more = n > rows.length ? `; en ${n - rows.length} meer` : '';
    warnings.push(
      `${load.file}: ${aantal(n, 'BSN staat', "BSN's staan")} op meer dan één persoonslijst (dubbele inschrijving, uit te zoeken): ${listed}${more}. ` +
        'De lijsten blijven gescheiden; een persoon telt één keer per object.',
    );
  }
  // The other way round: one list id under two BSNs (two selections put together, an A-nummer
  // typed for two persons). The model keeps each BSN a person of its own; the export is suspect.
  const { rows: shared } = await session.query<{ n: number; naam: string }>(
    `SELECT (count(*) OVER ())::int AS n,
       CASE WHEN persoonslijst LIKE 'a-nummer %' THEN 'regel ' || min(line) ELSE persoonslijst || ' (regel ' || min(line) || ')' END AS naam
     FROM staging.brp
     WHERE load_id = $1 AND persoonslijst IS NOT NULL
     GROUP BY persoonslijst
     HAVING count(DISTINCT pseudonym) > 1
     ORDER BY min(line) LIMIT ${SHOWN}`,
    [load.loadId],
  );
  if (shared.length > 0) {
    const n = shared[0]!.n;
    const more = n > shared.length ? `; en ${n - shared.length} meer` : '';
    warnings.push(
      `${load.file}: ${aantal(n, 'persoonslijst-id hoort', 'persoonslijst-ids horen')} bij meer dan één BSN (samengevoegde exports of een verkeerd A-nummer, uit te zoeken): ${shared.map((r) => r.naam).join('; ')}${more}. ` +
        'Elk BSN blijft een eigen persoon.',
    );
  }
  return warnings;
}
