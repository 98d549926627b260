/**
 * Regenerates the generated parts of README.md (accepted column names per source, the rule
 * register, the set-up files in deploy/) from the code, so the documentation cannot drift:
 * `node --import tsx bin/docs.ts`.
 * tests/readme.test.ts fails when README.md is out of date.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { columnTable } from '../sources/columns.ts';
import { NLEXTRACT_COLUMNS } from '../sources/bag/nlextract-csv.ts';
import { BRP_COLUMNS } from '../sources/brp/readable-csv.ts';
import { LO3_COLUMNS } from '../sources/brp/lo3-reader.ts';
import { PERMIT_COLUMNS } from '../sources/permits/columns.ts';
import { DAMOCLES_COLUMNS } from '../sources/damocles/columns.ts';
import { MELDING_COLUMNS } from '../sources/meldingen/columns.ts';
import { RULES } from '../rules/index.ts';
import { resolveRule } from '../rules/rule.ts';

export const README = new URL('../README.md', import.meta.url);

export function generatedSections(): Record<string, string> {
  const columns = [
    ['BRP, readable-header CSV or XLSX (`inbox/brp/`)', BRP_COLUMNS],
    ['BRP, GBA/LO3 CSV with element numbers as headers (`inbox/brp/`)', LO3_COLUMNS],
    ['BAG, NLExtract adres-full CSV (`inbox/bag/`)', NLEXTRACT_COLUMNS],
    ['Permits, XLSX or CSV (`inbox/permits/`)', PERMIT_COLUMNS],
    ['Damocles cases, XLSX or CSV (`inbox/damocles/`)', DAMOCLES_COLUMNS],
    ['Meldpunt ondermijning, CSV or XLSX (`inbox/meldingen/`)', MELDING_COLUMNS],
  ] as const;
  const rules = RULES.map((r) => {
    const resolved = resolveRule(r);
    const params = Object.entries(resolved.params)
      .map(([k, v]) => `\`${k}\` = ${JSON.stringify(v)}`)
      .join(', ');
    return `| \`${r.code}\` | ${r.title} | ${r.severity} | ${r.requires.join(', ')} | ${params || '–'} | ${r.norm} | ${r.rationale} |`;
  });
  // The set-up files under deploy/ stand in the README as they are, so a copy from either works.
  const deploy = (file: string, lang: string) =>
    `\`deploy/${file}\`:\n\n\`\`\`${lang}\n${readFileSync(new URL(`../deploy/${file}`, import.meta.url), 'utf8').trimEnd()}\n\`\`\``;
  return {
    'deploy-config': deploy('pakhuis.config.json', 'json'),
    'deploy-cron': deploy('pakhuis.cron', 'cron'),
    'deploy-systemd': [deploy('pakhuis-run.service', 'ini'), deploy('pakhuis-run.timer', 'ini')].join('\n\n'),
    columns: columns.map(([title, spec]) => `#### ${title}\n\n${columnTable(spec)}`).join('\n\n'),
    rules: ['| code | title | severity | requires | parameters (defaults) | norm / legal basis | rationale |', '|---|---|---|---|---|---|---|', ...rules].join(
      '\n',
    ),
  };
}

export function render(readme: string): string {
  let out = readme;
  for (const [name, body] of Object.entries(generatedSections())) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from === -1 || to === -1) throw new Error(`README.md lacks the markers ${start} … ${end}`);
    out = out.slice(0, from + start.length) + '\n' + body + '\n' + out.slice(to);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await readFile(README, 'utf8');
  await writeFile(README, render(text));
  process.stdout.write('README.md updated\n');
}
