import type { Session } from '../lib/db.ts';
import { kyselyOf } from '../lib/kysely.ts';
import { ConfigError } from '../lib/errors.ts';
import type { Pseudonymizer } from '../lib/pseudonym.ts';
import { SOURCE_DEFINITIONS, type SourceRegistry } from '../sources/index.ts';

/**
 * Refuses a key that is not the one its version was first used with (pakhuis.key_checks,
 * migration 0020), before anything is read: its pseudonyms would match nobody already known, so
 * the night would resolve every signal about a person and open them again as new. The first use
 * of a version stores its check value.
 */
export async function verifyKey(session: Pick<Session, 'query'>, pseudonymizer: Pseudonymizer): Promise<void> {
  const { keyVersion, checkValue } = pseudonymizer;
  const k = kyselyOf(session);
  await k
    .insertInto('pakhuis.key_checks')
    .values({ key_version: keyVersion, check_value: checkValue })
    .onConflict((oc) => oc.column('key_version').doNothing())
    .execute();
  const stored = await k.selectFrom('pakhuis.key_checks').select('check_value').where('key_version', '=', keyVersion).executeTakeFirst();
  if (stored?.check_value !== checkValue) {
    throw new ConfigError([
      `PSEUDONYMIZATION_KEY is not the key version ${keyVersion} was first used with (its check value differs); set that key, or a new key under a higher PSEUDONYMIZATION_KEY_VERSION`,
    ]);
  }
}

/**
 * After a key rotation the sources come in again one by one. Until all have, the published loads
 * carry pseudonyms of different key versions, and a person no longer links across them: a run
 * that says nothing would let rules that join sources go quietly blind. Each load is
 * pseudonymised under one key version, so one staged row per published load tells it.
 */
export async function keyVersionWarning(session: Pick<Session, 'query'>, sources: SourceRegistry = SOURCE_DEFINITIONS): Promise<string | undefined> {
  const keyed = Object.values(sources).filter((source) => source.keyVersionIn);
  if (keyed.length === 0) return undefined;
  // Labels and names are bound, table names come from the declarations (checked in sources/index.ts).
  const { rows } = await session.query<{ bron: string; key_version: number }>(
    `SELECT bron, key_version FROM (
      ${keyed
        .map(
          (
            source,
            i,
          ) => `SELECT $${2 * i + 1}::text AS bron, (SELECT t.key_version FROM ${source.keyVersionIn!.name} t WHERE t.load_id = s.load_id AND t.key_version IS NOT NULL LIMIT 1) AS key_version
      FROM model.source_state s WHERE s.source = $${2 * i + 2}`,
        )
        .join('\n      UNION ALL\n      ')}
    ) v WHERE key_version IS NOT NULL ORDER BY bron`,
    keyed.flatMap((source) => [source.label, source.name]),
  );
  if (new Set(rows.map((r) => r.key_version)).size < 2) return undefined;
  const per = rows.map((r) => `${r.bron} ${r.key_version}`).join(', ');
  return `pseudoniemen van verschillende sleutelversies (${per}): personen worden tussen deze bronnen pas weer gekoppeld als alle bronnen onder de nieuwe sleutel opnieuw zijn geleverd`;
}
