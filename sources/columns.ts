import { FileRejectedError } from './source.ts';

/**
 * Accepted header names for each canonical field of a source. Matching ignores case, accents,
 * spaces, dots, hyphens and underscores, so `Datum aanvang adreshouding`, `datum_aanvang_adreshouding`
 * and `DATUM-AANVANG-ADRESHOUDING` are one name. The canonical name itself is always accepted.
 */
export type ColumnSpec = Record<string, { aliases?: string[]; required?: boolean }>;

export function normaliseHeader(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Maps the header of a file to canonical fields, or rejects the file saying what is missing. */
export function resolveColumns(header: string[], spec: ColumnSpec, displayName: string): { canonical: string; index: number }[] {
  const byName = new Map<string, string>();
  for (const [canonical, { aliases = [] }] of Object.entries(spec)) {
    for (const name of [canonical, ...aliases]) byName.set(normaliseHeader(name), canonical);
  }
  const mapping: { canonical: string; index: number }[] = [];
  const seen = new Map<string, string>();
  header.forEach((raw, index) => {
    const canonical = byName.get(normaliseHeader(raw));
    if (!canonical) return;
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      throw new FileRejectedError(displayName, `kolommen "${earlier}" en "${raw}" betekenen allebei ${canonical}; laat er één over`);
    }
    seen.set(canonical, raw);
    mapping.push({ canonical, index });
  });
  const missing = Object.entries(spec)
    .filter(([canonical, { required }]) => required && !seen.has(canonical))
    .map(([canonical, { aliases = [] }]) => `${canonical} (geaccepteerd: ${[canonical, ...aliases].join(', ')})`);
  if (missing.length > 0) {
    throw new FileRejectedError(displayName, `verplichte kolom ontbreekt: ${missing.join('; ')}`);
  }
  return mapping;
}

/** Markdown table of accepted names, so the README documents exactly what the code accepts. */
export function columnTable(spec: ColumnSpec): string {
  const rows = Object.entries(spec).map(
    ([canonical, { aliases = [], required }]) => `| \`${canonical}\` | ${required ? 'ja' : 'nee'} | ${aliases.map((a) => `\`${a}\``).join(', ')} |`,
  );
  return ['| field | required | also accepted |', '|---|---|---|', ...rows].join('\n');
}
