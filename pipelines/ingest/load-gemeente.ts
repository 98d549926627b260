import type { Session } from '../../lib/db.ts';
import { GEEN_GEMEENTE, meerdereGemeenten, type GemeentenConfig } from '../../lib/gemeenten.ts';
import { FileRejectedError, type SourceDefinition } from '../../sources/source.ts';

/**
 * The municipality a load belongs to, decided inside the load's transaction once its rows are
 * staged; a file that cannot be placed is refused with one line naming the code (FileRejectedError
 * rolls the load back). Without GEMEENTEN every load belongs to the one municipality (0000).
 */
export async function loadGemeente(
  tx: Session,
  input: { source: Pick<SourceDefinition, 'name' | 'gemeentecodesSql'>; loadId: number; file: string; folder?: string; config: GemeentenConfig },
): Promise<string> {
  const { source, loadId, file, folder, config } = input;
  if (!meerdereGemeenten(config)) return GEEN_GEMEENTE;
  const configured = config.gemeenten.map((g) => g.code);
  const list = configured.join(', ');
  if (folder && !configured.includes(folder)) {
    throw new FileRejectedError(file, `map ${folder} is geen gemeente van dit pakhuis (GEMEENTEN=${list})`);
  }
  // Where the data says it (BAG ids, the BRP's gemeente van inschrijving): the source's declaration.
  const sql = source.gemeentecodesSql;
  const codes = sql ? (await tx.query<{ code: string }>(sql, [loadId])).rows.map((r) => r.code) : [];
  const foreign = codes.filter((c) => !configured.includes(c));
  if (foreign.length) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ` en ${foreign.length - 3} andere` : '');
    throw new FileRejectedError(file, `bevat rijen van gemeente ${shown}, die niet in GEMEENTEN=${list} staat`);
  }
  if (codes.length > 1) {
    throw new FileRejectedError(
      file,
      `bevat rijen van meer dan één gemeente (${codes.sort().join(', ')}); een levering is de volledige stand van één gemeente: lever per gemeente een bestand`,
    );
  }
  const fromData = codes[0];
  if (fromData && folder && fromData !== folder) {
    throw new FileRejectedError(file, `de rijen horen bij gemeente ${fromData}, maar het bestand staat in de map van ${folder}`);
  }
  const code = fromData ?? folder ?? (configured.length === 1 ? configured[0] : undefined);
  if (!code) {
    throw new FileRejectedError(file, `zegt niet bij welke gemeente het hoort; zet het in inbox/<gemeentecode>/${source.name}/ (${list})`);
  }
  return code;
}
