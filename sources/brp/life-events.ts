import { opt } from '../fields.ts';
import type { Note, SourceRecord } from '../source.ts';
import { brpDate, UNKNOWN_DATE } from './dates.ts';

/**
 * What ends a person's residence other than a move: death (06.08.10), suspension of the
 * persoonslijst (07.67.10 date, 07.67.20 reason) and the finding that the person does not live
 * at the address (08.83.10 aanduiding in onderzoek 089999 or 589999, from 08.83.20). The model
 * (sql/transforms/20_brp.sql) turns them into the end of the person's registrations.
 *
 * A value that cannot be read does not reject the person: a death or suspension whose date is
 * unreadable still happened, so it counts as a date unknown. Notes carry no value of the field:
 * a date of death is personal data and would otherwise reach the run record.
 */
export interface LifeEvents {
  /** ISO date, 00 for unknown parts, 0000-00-00 when unknown; null when the person did not die. */
  overlijden: string | null;
  opschorting: string | null;
  /** O overlijden, E emigratie, M ministerieel besluit, R RNI, F fout, W wissen, '.' onbekend. */
  redenOpschorting: string | null;
  /** From when the municipality established the person does not live at this address. */
  nietOpAdresVanaf: string | null;
}

const REDENEN = new Set(['O', 'E', 'M', 'R', 'F', 'W', '.']);
const VASTGESTELD_NIET_OP_ADRES = new Set(['089999', '589999']);

export function lifeEvents(record: SourceRecord, notes: Note[]): LifeEvents {
  const overlijden = eventDate(record, 'datum_overlijden', notes);
  let opschorting = eventDate(record, 'datum_opschorting', notes);
  let reden = opt(record, 'reden_opschorting')?.toUpperCase() ?? null;
  if (reden !== null && !REDENEN.has(reden)) {
    notes.push({ column: 'reden_opschorting', reason: 'reden opschorting is geen O, E, M, R, F, W of .; als onbekend (.) behandeld' });
    reden = '.';
  }
  // One without the other still says the list is suspended.
  if (reden !== null && opschorting === null) opschorting = UNKNOWN_DATE.partial;
  if (opschorting !== null && reden === null) reden = '.';
  const aanduiding = opt(record, 'onderzoek_aanduiding');
  // An investigation that has ended was, normally, put right in the register: its finding no longer applies.
  const vastgesteld = aanduiding !== undefined && VASTGESTELD_NIET_OP_ADRES.has(aanduiding) && opt(record, 'onderzoek_datum_einde') === undefined;
  return {
    overlijden,
    opschorting,
    redenOpschorting: reden,
    nietOpAdresVanaf: vastgesteld ? (eventDate(record, 'onderzoek_datum_ingang', notes) ?? UNKNOWN_DATE.partial) : null,
  };
}

function eventDate(record: SourceRecord, column: string, notes: Note[]): string | null {
  const raw = opt(record, column);
  if (raw === undefined) return null;
  const checked = brpDate(raw);
  if (checked.ok) return checked.value.partial;
  notes.push({ column, reason: 'geen geldige datum; als onbekende datum behandeld' });
  return UNKNOWN_DATE.partial;
}
