import type { Config } from '../../lib/config.ts';
import type { Session } from '../../lib/db.ts';
import { aantal } from '../../lib/dutch.ts';
import { textTable } from '../../lib/terminal.ts';
import { SOURCE_LABELS, SOURCES } from '../../sources/index.ts';
import { pullSettings, type PullSummary } from './index.ts';
import { megabytes } from './landing.ts';
import { locationStates } from './records.ts';

/** What a pull got, for a person at a terminal (pakhuis pull, pakhuis run). */
export function formatPull(summary: PullSummary): string[] {
  const lines = summary.fetched.map((f) => `  opgehaald ${SOURCE_LABELS[f.source].padEnd(12)} ${f.inboxName} (${megabytes(f.bytes)}) van ${f.remote}`);
  const unchanged = summary.outcomes.reduce((n, o) => n + o.unchanged, 0);
  if (summary.fetched.length === 0) lines.push(`  Niets nieuws opgehaald${unchanged ? ` (${aantal(unchanged, 'bestand', 'bestanden')} ongewijzigd)` : ''}.`);
  return lines;
}

const time = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace('T', ' ') : '-');

/** The last successful pull per configured location, for `pakhuis status`; empty when nothing is configured. */
export async function pullStatusTable(db: Pick<Session, 'query'>, config: Config): Promise<string> {
  const states = new Map((await locationStates(db)).map((s) => [`${s.source}\0${s.location}`, s]));
  const body: string[][] = [];
  for (const source of SOURCES) {
    for (const location of pullSettings(config, source).locations) {
      const s = states.get(`${source}\0${location.display}`);
      body.push([
        SOURCE_LABELS[source],
        location.display,
        time(s?.lastSuccessAt ?? null),
        time(s?.lastFetchAt ?? null),
        !s ? 'nog niet geprobeerd' : s.lastError ? `laatste poging ${time(s.lastAttemptAt)} mislukt: ${s.lastError}` : '',
      ]);
    }
  }
  if (body.length === 0) return '';
  const header = ['bron', 'locatie', 'laatst gelukt (UTC)', 'laatst iets nieuws (UTC)', 'opmerking'];
  return ['Ophalen per bron:', ...textTable(header, body)].join('\n');
}
