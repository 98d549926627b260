/**
 * What a run decided, as hashes that two runs over the same files can compare: the signals (the
 * product) and every model table the BRP and BAG transforms build (who lives where). A speed-up
 * of the publish step is only one if these stay the same.
 *
 * node --import tsx bench/fingerprint.ts <database url>   prints them for a database a bench left behind.
 */
import { createHash } from 'node:crypto';
import type { Session } from '../lib/db.ts';

export interface Fingerprint {
  /** sha256 over `rule_code|gemeentecode|subject_key|severity|score` of the open signals, sorted (the check). */
  signalSubjects: string;
  /** The same with each signal's evidence (without the run number), explanation and linked persons: what an analyst reads. */
  signalContents: string;
  /** Per model table: its row count and an order-independent sum of each row's md5 (a table-wide checksum). */
  model: Record<string, { rows: number; checksum: string }>;
}

/** Tables whose rows carry no run-dependent values (ids, timestamps), so two fresh runs over one file must agree row for row. */
const MODEL_TABLES: Record<string, string> = {
  'model.verblijfsobject': 't',
  'model.nummeraanduiding': 't',
  'model.adres_index': 't',
  'model.persoon': 't',
  'model.inschrijving': 't',
  'model.bewoning': 't',
  // Without the load ids: loads are numbered in the order the parallel ingest starts them.
  'model.inschrijving_historie':
    'row(t.pseudonym, t.adres_ref, t.verblijfsobject_id, t.functie_adres, t.geldig_van, t.van_sleutel, t.geldig_tot, t.gesloten_door)',
};

export async function fingerprint(db: Session): Promise<Fingerprint> {
  const sha = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');
  // Sorted in JavaScript on code units: independent of the database's collation.
  const sorted = (lines: string[]) => lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const { rows: subjects } = await db.query<{ line: string }>(
    `SELECT concat_ws('|', rule_code, gemeentecode, subject_key, severity, score::text) AS line FROM pakhuis.signal_store WHERE status = 'open'`,
  );
  const { rows: contents } = await db.query<{ line: string }>(`
    SELECT concat_ws('|', s.rule_code, s.gemeentecode, s.subject_key, s.severity, s.score::text, s.verblijfsobject_id, s.rule_version,
      (s.evidence - 'run')::text, s.explanation,
      (SELECT string_agg(p.pseudonym || ':' || p.rol, ',' ORDER BY p.pseudonym COLLATE "C", p.rol COLLATE "C") FROM pakhuis.signal_persons p WHERE p.signal_id = s.id)) AS line
    FROM pakhuis.signal_store s WHERE s.status = 'open'`);
  const model: Fingerprint['model'] = {};
  for (const [table, row] of Object.entries(MODEL_TABLES)) {
    // The first 15 hex digits of each row's md5 as a number, summed: the order of rows does not count.
    const { rows } = await db.query<{ n: string; checksum: string | null }>(
      `SELECT count(*)::text AS n, sum(('x' || substr(md5(${row}::text), 1, 15))::bit(60)::bigint)::text AS checksum FROM ${table} t`,
    );
    model[table] = { rows: Number(rows[0]!.n), checksum: rows[0]!.checksum ?? '0' };
  }
  return { signalSubjects: sha(sorted(subjects.map((r) => r.line))), signalContents: sha(sorted(contents.map((r) => r.line))), model };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2];
  if (!url) throw new Error('usage: bench/fingerprint.ts <database url>');
  const { openDatabase } = await import('../lib/db.ts');
  const db = await openDatabase({ url });
  try {
    process.stdout.write(JSON.stringify(await fingerprint(db), null, 2) + '\n');
  } finally {
    await db.close();
  }
}
