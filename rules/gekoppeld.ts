/**
 * SQL pieces for the rules that count residents: how each counted person was matched to the
 * object, and how many are uncertain, in the evidence and in the Dutch explanation. The columns
 * named come from model.bewoning (migration 0016) or a CTE with the same names.
 *
 * Evidence key `gekoppeld` counts the persons by match method: by their own verblijfsobject id,
 * by their nummeraanduiding id, or only by postcode and huisnummer. The last is worth saying: it
 * happens when a person's object id is missing or unknown to the BAG, and an address can be
 * mistyped.
 */
export function gekoppeldJson(viaObject: string, viaNummeraanduiding: string, viaAdres: string): string {
  return `jsonb_build_object('verblijfsobject_id', ${viaObject}, 'nummeraanduiding', ${viaNummeraanduiding}, 'adres', ${viaAdres})`;
}

/** The sentences to append to an explanation; empty when every person was matched by id and is certain. */
export function gekoppeldUitleg(viaAdres: string, onzeker?: string): string {
  const adres = `CASE WHEN ${viaAdres} > 0 THEN format(' %s van hen %s alleen op postcode en huisnummer aan dit object gekoppeld (de BAG-identificatie ontbreekt of staat niet in de BAG).',
      ${viaAdres}, CASE WHEN ${viaAdres} = 1 THEN 'is' ELSE 'zijn' END) ELSE '' END`;
  if (onzeker === undefined) return adres;
  return `${adres}
    || CASE WHEN ${onzeker} > 0 THEN format(' %s met een onbekende datum van inschrijving (%s, volgens de BRP).',
      ${onzeker}, CASE WHEN ${onzeker} = 1 THEN 'mogelijke bewoner' ELSE 'mogelijke bewoners' END) ELSE '' END`;
}

/**
 * The persons of a count (model.bewoning's pseudonym array and its parallel koppelingen array),
 * each with how it was matched in its role: `bewoner`, `bewoner via nummeraanduiding`, `bewoner
 * via adres`. Re-identification shows the role, so the investigator sees whose registration rests
 * on a postcode and huisnummer only. Yields rows (pseudonym, rol).
 */
export function personenMetKoppeling(pseudoniemen: string, koppelingen: string, rol: string): string {
  return `SELECT u.pseudonym, '${rol}' || CASE u.koppeling WHEN 'num_id' THEN ' via nummeraanduiding' WHEN 'adres' THEN ' via adres' ELSE '' END AS rol
    FROM unnest(${pseudoniemen}, ${koppelingen}) AS u(pseudonym, koppeling)`;
}
