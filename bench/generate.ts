/**
 * Writes the benchmark's synthetic municipality to a folder and marks it done. Run by bench/run.ts
 * in a process of its own, so that the memory the generator leaves behind is not counted against
 * the pipeline the benchmark measures.
 *
 * node --import tsx bench/generate.ts <dir> <residents> [verblijfsobjecten]
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateMunicipality } from '../synthetic/municipality.ts';

const [dir, residents, verblijfsobjecten] = process.argv.slice(2);
if (!dir || !residents) throw new Error('usage: bench/generate.ts <dir> <residents> [verblijfsobjecten]');
await rm(dir, { recursive: true, force: true });
const generated = await generateMunicipality(dir, {
  residents: Number(residents),
  verblijfsobjecten: verblijfsobjecten === undefined ? undefined : Number(verblijfsobjecten),
});
await writeFile(join(dir, 'done'), JSON.stringify({ residents: generated.residents, verblijfsobjecten: generated.verblijfsobjecten }));
