import { bag } from './bag/index.ts';
import { brp } from './brp/index.ts';
import type { SourceDefinition, SourceName } from './source.ts';

export const SOURCE_DEFINITIONS: Record<SourceName, SourceDefinition> = {
  bag,
  brp,
  permits: notYet('permits'),
  damocles: notYet('damocles'),
};

function notYet(name: SourceName): SourceDefinition {
  return { name, formats: [], tables: {}, bsnFields: [], validate: () => ({ ok: false, column: '', reason: 'bron nog niet ondersteund' }) };
}
