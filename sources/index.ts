import { bag } from './bag/index.ts';
import { brp } from './brp/index.ts';
import { damocles } from './damocles/index.ts';
import { meldingen } from './meldingen/index.ts';
import { permits } from './permits/index.ts';
import type { SourceDefinition, SourceName } from './source.ts';

export const SOURCE_DEFINITIONS: Record<SourceName, SourceDefinition> = {
  bag,
  brp,
  permits,
  damocles,
  meldingen,
};
