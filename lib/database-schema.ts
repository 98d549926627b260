// Written by `npm run schema` (bin/schema.ts) from the migrated schema; do not edit. tests/schema.test.ts
// fails when a migration changes a table here without this file being written again.
import type { ColumnType } from 'kysely';

/** pg returns int8 as a string (it may not fit a double), PGlite as a number: read it with Number(). */
export type Int8 = ColumnType<string | number, string | number | bigint, string | number | bigint>;
/** numeric comes back as a string from both engines, to keep its precision. */
export type Numeric = ColumnType<string, string | number, string | number>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A date comes back as a Date at local midnight; select `col::text` where the calendar day is meant. */
export type DateColumn = ColumnType<Date, Date | string, Date | string>;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** jsonb is written as JSON text (JSON.stringify): pg would turn a JavaScript array into a PostgreSQL array. */
export type Json = ColumnType<JsonValue, string, string>;
/** A column with a default may be left out of an INSERT (Kysely's Generated<>, which also takes the types above apart). */
export type WithDefault<C> = C extends ColumnType<infer S, infer I, infer U> ? ColumnType<S, I | undefined, U> : ColumnType<C, C | undefined, C>;
/** An identity column GENERATED ALWAYS: read, never written. */
export type ReadOnly<C> = C extends ColumnType<infer S, unknown, unknown> ? ColumnType<S, never, never> : ColumnType<C, never, never>;

/** Table audit.access_grants. */
export interface AuditAccessGrants {
  login: string;
  gemeentecode: string;
  granted_by: string;
  at: WithDefault<Timestamp>;
}

/** Table audit.access_log. */
export interface AuditAccessLog {
  id: WithDefault<Int8>;
  action: string;
  login: string;
  gemeentecode: string;
  by_user: WithDefault<string>;
  stated_by: string | null;
  at: WithDefault<Timestamp>;
}

/** Table audit.inzage. */
export interface AuditInzage {
  id: WithDefault<Int8>;
  pseudonym: string | null;
  reason: string;
  by_user: string;
  stated_by: string | null;
  at: WithDefault<Timestamp>;
  outcome: string;
  refusal: string | null;
  items_shown: WithDefault<number>;
}

/** Table audit.reidentification. */
export interface AuditReidentification {
  id: WithDefault<Int8>;
  signal_id: Int8;
  rule_code: string | null;
  subject_key: string | null;
  reason: string;
  by_user: string;
  persons_shown: number;
  at: WithDefault<Timestamp>;
  stated_by: string | null;
  outcome: WithDefault<string>;
  refusal: string | null;
}

/** Table model.source_state. */
export interface ModelSourceState {
  source: string;
  load_id: Int8;
  run_id: Int8 | null;
  published_at: WithDefault<Timestamp>;
  gemeentecode: WithDefault<string>;
}

/** Table pakhuis.baseline_counts. */
export interface PakhuisBaselineCounts {
  set_id: Int8;
  rule_code: string;
  new_signals: number | null;
  resolved_signals: number | null;
  open_signals: number | null;
  judged_vals_positief: number | null;
  judged_afgehandeld: number | null;
  meldingen_received: number | null;
  gemeentecode: WithDefault<string>;
}

/** Table pakhuis.baseline_sets. */
export interface PakhuisBaselineSets {
  id: WithDefault<Int8>;
  baseline_date: DateColumn;
  month: DateColumn;
  frozen_at: WithDefault<Timestamp>;
  by_user: WithDefault<string>;
  stated_by: string | null;
  replaces: Int8 | null;
}

/** Table pakhuis.gemeenten. */
export interface PakhuisGemeenten {
  code: string;
  naam: string;
}

/** Table pakhuis.key_checks. */
export interface PakhuisKeyChecks {
  key_version: number;
  check_value: string;
  first_used_at: WithDefault<Timestamp>;
}

/** Table pakhuis.loads. */
export interface PakhuisLoads {
  id: WithDefault<Int8>;
  source: string;
  format: string;
  file_name: string;
  sha256: string;
  bytes: Int8;
  rows_read: Int8;
  rows_staged: Int8;
  rows_rejected: Int8;
  run_id: Int8 | null;
  loaded_at: WithDefault<Timestamp>;
  archived_as: string | null;
  gemeentecode: WithDefault<string>;
}

/** Table pakhuis.melding_ledger. */
export interface PakhuisMeldingLedger {
  melding_id: string;
  datum_ontvangen: DateColumn;
  kanaal: string;
  categorie: string | null;
  first_seen_load: Int8;
  gemeentecode: WithDefault<string>;
}

/** Table pakhuis.overleg. */
export interface PakhuisOverleg {
  month: DateColumn;
  peildatum: DateColumn;
  made_at: WithDefault<Timestamp>;
  by_user: WithDefault<string>;
}

/** Table pakhuis.pull_locations. */
export interface PakhuisPullLocations {
  source: string;
  location: string;
  last_attempt_at: Timestamp;
  last_success_at: Timestamp | null;
  last_fetch_at: Timestamp | null;
  last_error: string | null;
}

/** Table pakhuis.pulled_files. */
export interface PakhuisPulledFiles {
  id: WithDefault<Int8>;
  source: string;
  location: string;
  remote: string;
  remote_size: Int8 | null;
  remote_mtime: Timestamp | null;
  etag: string | null;
  last_modified: string | null;
  bytes: Int8;
  sha256: string;
  inbox_name: string | null;
  run_id: Int8 | null;
  fetched_at: WithDefault<Timestamp>;
  moved_to: string | null;
}

/** Table pakhuis.rejected_files. */
export interface PakhuisRejectedFiles {
  id: WithDefault<Int8>;
  run_id: Int8 | null;
  source: string;
  file_name: string;
  sha256: string | null;
  reason: string;
  rejected_at: WithDefault<Timestamp>;
}

/** Table pakhuis.rejected_rows. */
export interface PakhuisRejectedRows {
  load_id: Int8;
  line: number;
  location: string;
  column_name: string;
  reason: string;
  raw: Json;
  rejected_at: WithDefault<Timestamp>;
}

/** Table pakhuis.report_attachments. */
export interface PakhuisReportAttachments {
  outbox_id: Int8;
  position: number;
  file_name: string;
  content_type: string;
  content: Uint8Array;
  content_id: string | null;
}

/** Table pakhuis.report_outbox. */
export interface PakhuisReportOutbox {
  id: WithDefault<Int8>;
  run_id: Int8 | null;
  created_at: WithDefault<Timestamp>;
  file_name: string;
  file_path: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  recipients: WithDefault<string[]>;
  status: string;
  attempts: WithDefault<number>;
  last_error: string | null;
  sent_at: Timestamp | null;
  message_id: string | null;
  kind: WithDefault<string>;
  report_date: DateColumn | null;
  quiet: WithDefault<boolean>;
  gemeentecode: string | null;
  channel: WithDefault<string>;
  drop_name: string | null;
}

/** Table pakhuis.report_signals. */
export interface PakhuisReportSignals {
  outbox_id: Int8;
  signal_id: Int8;
  score: Numeric | null;
  severity: string;
}

/** Table pakhuis.rules. */
export interface PakhuisRules {
  code: string;
  title: string;
  rationale: string;
  norm: string;
  severity: string;
  parameters: Json;
  version: string;
  sql: string;
  published_at: WithDefault<Timestamp>;
  over_gemeentegrens: WithDefault<boolean>;
}

/** Table pakhuis.run_steps. */
export interface PakhuisRunSteps {
  run_id: Int8;
  step: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: string;
  rows_in: Int8 | null;
  rows_out: Int8 | null;
  rows_rejected: Int8 | null;
  error: string | null;
  details: WithDefault<Json>;
}

/** Table pakhuis.runs. */
export interface PakhuisRuns {
  id: WithDefault<Int8>;
  trigger: string;
  started_at: WithDefault<Timestamp>;
  finished_at: Timestamp | null;
  status: WithDefault<string>;
  failed_step: string | null;
  error: string | null;
  warnings: WithDefault<Json>;
  summary: WithDefault<Json>;
}

/** Table pakhuis.samenwerking. */
export interface PakhuisSamenwerking {
  naam: string;
  gemeente: string;
}

/** Table pakhuis.settings. */
export interface PakhuisSettings {
  name: string;
  value: string;
  updated_run: Int8 | null;
}

/** View pakhuis.signal_addresses. */
export interface PakhuisSignalAddresses {
  signal_id: Int8 | null;
  address_key: string | null;
  address_source: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  straat: string | null;
  woonplaats: string | null;
  adres: string | null;
  lat: number | null;
  lon: number | null;
}

/** Table pakhuis.signal_candidates. */
export interface PakhuisSignalCandidates {
  run_id: Int8;
  rule_code: string;
  subject_key: string;
  verblijfsobject_id: string | null;
  severity: string;
  score: Numeric | null;
  evidence: Json;
  explanation: string;
  rule_version: string;
  persons: Json | null;
  gemeentecode: string | null;
}

/** Table pakhuis.signal_history. */
export interface PakhuisSignalHistory {
  id: WithDefault<Int8>;
  signal_id: Int8;
  run_id: Int8;
  change: string;
  severity: string;
  score: Numeric | null;
  evidence: Json;
  explanation: string;
  rule_version: string;
  last_seen_run: Int8;
}

/** Table pakhuis.signal_persons. */
export interface PakhuisSignalPersons {
  signal_id: Int8;
  pseudonym: string;
  rol: string;
}

/** Table pakhuis.signal_store. */
export interface PakhuisSignalStore {
  id: WithDefault<Int8>;
  rule_code: string;
  subject_key: string;
  verblijfsobject_id: string | null;
  severity: string;
  score: Numeric | null;
  evidence: Json;
  explanation: string;
  rule_version: string;
  status: string;
  first_seen_run: Int8;
  last_seen_run: Int8;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  resolved_run: Int8 | null;
  resolved_at: Timestamp | null;
  worsened_run: Int8 | null;
  gemeentecode: WithDefault<string>;
}

/** View pakhuis.signals. */
export interface PakhuisSignals {
  id: Int8 | null;
  rule_code: string | null;
  subject_key: string | null;
  verblijfsobject_id: string | null;
  severity: string | null;
  score: Numeric | null;
  evidence: Json | null;
  explanation: string | null;
  rule_version: string | null;
  status: string | null;
  first_seen_run: Int8 | null;
  last_seen_run: Int8 | null;
  first_seen_at: Timestamp | null;
  last_seen_at: Timestamp | null;
  resolved_run: Int8 | null;
  resolved_at: Timestamp | null;
  worsened_run: Int8 | null;
  triage_status: string | null;
  triage_note: string | null;
  triage_by: string | null;
  triage_at: Timestamp | null;
  triage_score: Numeric | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** Table pakhuis.terugkoppeling_log. */
export interface PakhuisTerugkoppelingLog {
  id: WithDefault<Int8>;
  melding_id: string;
  status: string;
  note: string | null;
  by_user: string;
  stated_by: string | null;
  at: WithDefault<Timestamp>;
  gemeentecode: WithDefault<string>;
}

/** Table pakhuis.trend_rule_counts. */
export interface PakhuisTrendRuleCounts {
  run_id: Int8;
  rule_code: string;
  new_signals: number;
  resolved_signals: number;
  open_signals: number;
  judged_vals_positief: number;
  judged_afgehandeld: number;
  gemeentecode: WithDefault<string>;
}

/** Table pakhuis.trend_runs. */
export interface PakhuisTrendRuns {
  run_id: Int8;
  peildatum: DateColumn;
  triage_log_upto: Int8;
}

/** Table pakhuis.triage. */
export interface PakhuisTriage {
  rule_code: string;
  subject_key: string;
  status: string;
  note: string | null;
  by_user: string;
  stated_by: string | null;
  at: Timestamp;
  score: Numeric | null;
  assigned_to: string | null;
}

/** Table pakhuis.triage_log. */
export interface PakhuisTriageLog {
  id: WithDefault<Int8>;
  signal_id: Int8;
  status: string;
  note: string | null;
  by_user: string;
  at: WithDefault<Timestamp>;
  stated_by: string | null;
  rule_code: string | null;
  subject_key: string | null;
  assigned_to: string | null;
}

/** View signals.addresses. */
export interface SignalsAddresses {
  address_key: string | null;
  address_source: string | null;
  verblijfsobject_id: string | null;
  adres: string | null;
  straat: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  postcode: string | null;
  woonplaats: string | null;
  score: number | null;
  highest_severity: string | null;
  open_signals: number | null;
  resolved_signals: number | null;
  open_rule_codes: string[] | null;
  all_rule_codes: string[] | null;
  signal_ids: (string | number)[] | null;
  triage_statuses: string[] | null;
  first_seen_at: Timestamp | null;
  last_change_at: Timestamp | null;
  explanation: string | null;
  overdue: boolean | null;
  lat: number | null;
  lon: number | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.flagged_addresses. */
export interface SignalsFlaggedAddresses {
  verblijfsobject_id: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  straat: string | null;
  woonplaats: string | null;
  oppervlakte: number | null;
  gebruiksdoelen: string[] | null;
  bag_status: string | null;
  registered_persons: Int8 | null;
  rule_codes: string[] | null;
  highest_severity: string | null;
  signal_count: Int8 | null;
  first_seen_at: Timestamp | null;
  explanation: string | null;
  triage_statuses: string[] | null;
  permits: Int8 | null;
  damocles_cases: Int8 | null;
  rd_x: number | null;
  rd_y: number | null;
  lat: number | null;
  lon: number | null;
  meldingen: Int8 | null;
  latest_melding: DateColumn | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.meldingen. */
export interface SignalsMeldingen {
  melding_id: string | null;
  datum_ontvangen: DateColumn | null;
  kanaal: string | null;
  melder_referentie: string | null;
  categorie: string | null;
  verblijfsobject_id: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  straat: string | null;
  woonplaats: string | null;
  match_method: string | null;
  terugkoppeling: string | null;
  terugkoppeling_at: Timestamp | null;
  terugkoppeling_door: string | null;
  open_signals: string[] | null;
  vrije_tekst: string | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.rules. */
export interface SignalsRules {
  code: string | null;
  title: string | null;
  rationale: string | null;
  norm: string | null;
  severity: string | null;
  parameters: Json | null;
  version: string | null;
  published_at: Timestamp | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
  samenwerking: string | null;
}

/** View signals.runs. */
export interface SignalsRuns {
  run_id: Int8 | null;
  trigger: string | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  status: string | null;
  published: boolean | null;
  peildatum: DateColumn | null;
  failed_step: string | null;
  error: string | null;
  warnings: string[] | null;
  files: number | null;
  rows_loaded: number | null;
  rows_rejected: number | null;
  new_signals: number | null;
  worsened_signals: number | null;
  resolved_signals: number | null;
  open_signals: number | null;
  mail_status: string | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.signal_changes. */
export interface SignalsSignalChanges {
  run_id: Int8 | null;
  change: string | null;
  signal_id: Int8 | null;
  rule_code: string | null;
  address_key: string | null;
  adres: string | null;
  previous_severity: string | null;
  previous_score: Numeric | null;
  previous_explanation: string | null;
  severity: string | null;
  score: Numeric | null;
  explanation: string | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.signal_details. */
export interface SignalsSignalDetails {
  signal_id: Int8 | null;
  rule_code: string | null;
  rule_title: string | null;
  subject_key: string | null;
  verblijfsobject_id: string | null;
  severity: string | null;
  status: string | null;
  explanation: string | null;
  evidence: Json | null;
  rule_version: string | null;
  first_seen_at: Timestamp | null;
  last_seen_at: Timestamp | null;
  resolved_at: Timestamp | null;
  first_seen_run: Int8 | null;
  last_seen_run: Int8 | null;
  triage_status: string | null;
  triage_note: string | null;
  triage_by: string | null;
  triage_at: Timestamp | null;
  score: Numeric | null;
  worsened_run: Int8 | null;
  resolved_run: Int8 | null;
  previous_severity: string | null;
  previous_score: Numeric | null;
  previous_explanation: string | null;
  address_key: string | null;
  address_source: string | null;
  adres: string | null;
  straat: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  postcode: string | null;
  woonplaats: string | null;
  assigned_to: string | null;
  in_onderzoek_since: Timestamp | null;
  status_due: DateColumn | null;
  result_due: DateColumn | null;
  status_overdue: boolean | null;
  result_overdue: boolean | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.signal_persons. */
export interface SignalsSignalPersons {
  signal_id: Int8 | null;
  rule_code: string | null;
  signal_status: string | null;
  address_key: string | null;
  adres: string | null;
  pseudonym: string | null;
  rol: string | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.spreiding. */
export interface SignalsSpreiding {
  regel: string | null;
  gemeentecode: string | null;
  gebiedssoort: string | null;
  gebied: string | null;
  open_signalen: number | null;
  inwoners: number | null;
  per_1000_inwoners: Numeric | null;
  gemeente_open_signalen: number | null;
  gemeente_inwoners: number | null;
  gemeente_per_1000_inwoners: Numeric | null;
  verhouding: Numeric | null;
  gemeente_naam: string | null;
}

/** View signals.terugkoppeling_achterstallig. */
export interface SignalsTerugkoppelingAchterstallig {
  melding_id: string | null;
  datum_ontvangen: DateColumn | null;
  kanaal: string | null;
  melder_referentie: string | null;
  categorie: string | null;
  verblijfsobject_id: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
  straat: string | null;
  woonplaats: string | null;
  terugkoppeling: string | null;
  dagen_sinds_ontvangst: number | null;
  termijn_dagen: number | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.trend. */
export interface SignalsTrend {
  month: DateColumn | null;
  rule_code: string | null;
  new_signals: number | null;
  resolved_signals: number | null;
  open_signals: number | null;
  judged_vals_positief: number | null;
  judged_afgehandeld: number | null;
  meldingen_received: number | null;
  baseline_month: DateColumn | null;
  change_new: number | null;
  change_resolved: number | null;
  change_open: number | null;
  change_vals_positief: number | null;
  change_afgehandeld: number | null;
  change_meldingen: number | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** View signals.triage_history. */
export interface SignalsTriageHistory {
  triage_id: Int8 | null;
  signal_id: Int8 | null;
  rule_code: string | null;
  address_key: string | null;
  adres: string | null;
  status: string | null;
  note: string | null;
  by_user: string | null;
  stated_by: string | null;
  assigned_to: string | null;
  at: Timestamp | null;
  gemeentecode: string | null;
  gemeente_naam: string | null;
}

/** The tables and views typed queries may name, as schema.table. */
export interface DB {
  'audit.access_grants': AuditAccessGrants;
  'audit.access_log': AuditAccessLog;
  'audit.inzage': AuditInzage;
  'audit.reidentification': AuditReidentification;
  'model.source_state': ModelSourceState;
  'pakhuis.baseline_counts': PakhuisBaselineCounts;
  'pakhuis.baseline_sets': PakhuisBaselineSets;
  'pakhuis.gemeenten': PakhuisGemeenten;
  'pakhuis.key_checks': PakhuisKeyChecks;
  'pakhuis.loads': PakhuisLoads;
  'pakhuis.melding_ledger': PakhuisMeldingLedger;
  'pakhuis.overleg': PakhuisOverleg;
  'pakhuis.pull_locations': PakhuisPullLocations;
  'pakhuis.pulled_files': PakhuisPulledFiles;
  'pakhuis.rejected_files': PakhuisRejectedFiles;
  'pakhuis.rejected_rows': PakhuisRejectedRows;
  'pakhuis.report_attachments': PakhuisReportAttachments;
  'pakhuis.report_outbox': PakhuisReportOutbox;
  'pakhuis.report_signals': PakhuisReportSignals;
  'pakhuis.rules': PakhuisRules;
  'pakhuis.run_steps': PakhuisRunSteps;
  'pakhuis.runs': PakhuisRuns;
  'pakhuis.samenwerking': PakhuisSamenwerking;
  'pakhuis.settings': PakhuisSettings;
  'pakhuis.signal_addresses': PakhuisSignalAddresses;
  'pakhuis.signal_candidates': PakhuisSignalCandidates;
  'pakhuis.signal_history': PakhuisSignalHistory;
  'pakhuis.signal_persons': PakhuisSignalPersons;
  'pakhuis.signal_store': PakhuisSignalStore;
  'pakhuis.signals': PakhuisSignals;
  'pakhuis.terugkoppeling_log': PakhuisTerugkoppelingLog;
  'pakhuis.trend_rule_counts': PakhuisTrendRuleCounts;
  'pakhuis.trend_runs': PakhuisTrendRuns;
  'pakhuis.triage': PakhuisTriage;
  'pakhuis.triage_log': PakhuisTriageLog;
  'signals.addresses': SignalsAddresses;
  'signals.flagged_addresses': SignalsFlaggedAddresses;
  'signals.meldingen': SignalsMeldingen;
  'signals.rules': SignalsRules;
  'signals.runs': SignalsRuns;
  'signals.signal_changes': SignalsSignalChanges;
  'signals.signal_details': SignalsSignalDetails;
  'signals.signal_persons': SignalsSignalPersons;
  'signals.spreiding': SignalsSpreiding;
  'signals.terugkoppeling_achterstallig': SignalsTerugkoppelingAchterstallig;
  'signals.trend': SignalsTrend;
  'signals.triage_history': SignalsTriageHistory;
}
