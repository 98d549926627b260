import addressparser from 'nodemailer/lib/addressparser/index.js';

/**
 * Report recipients, checked as the mailer will read them. The allow-list once compared the raw
 * setting's ending with an allowed domain while nodemailer parsed the same string its own way:
 * `evil@gmail.com;oov@woerden.nl` passed as one entry and went to both, and
 * `<evil@gmail.com> oov@woerden.nl` passed and went to evil@gmail.com alone. So every entry is
 * parsed with nodemailer's own address parser, must come back as exactly one plain address equal
 * to what was written, and only those parsed addresses are checked and handed to the mailer.
 */

/**
 * A plain address: a dot-atom local part, one `@`, a DNS host name. No quotes, brackets, spaces,
 * comments or second `@`: nodemailer drops the quotes of `"evil@gmail.com"@woerden.nl` and reads
 * `evil@gmail.com@woerden.nl`, which an ending-with check would take for a woerden.nl address.
 */
const LOCAL = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const DOMAIN = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}';
const PLAIN_ADDRESS = new RegExp(`^${LOCAL}@${DOMAIN}$`);
const ALLOWED_DOMAIN = new RegExp(`^@${DOMAIN}$`);

/** A setting's list entries: a string is split on commas, an array (from the JSON file) is taken as is. */
export function listEntries(value: unknown): unknown {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(value)) return (value as unknown[]).map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
  return value;
}

/**
 * The entry as one plain address, its domain in lower case as nodemailer sends it, or undefined
 * when nodemailer would read the entry as anything else.
 */
export function plainAddress(entry: string): string | undefined {
  if (!PLAIN_ADDRESS.test(entry)) return undefined;
  const parsed = addressparser(entry);
  const [only] = parsed;
  if (parsed.length !== 1 || !only || 'group' in only || only.name !== '' || only.address !== entry) return undefined;
  const at = entry.lastIndexOf('@');
  return entry.slice(0, at) + entry.slice(at).toLowerCase();
}

/** Why an entry of REPORT_RECIPIENTS is refused, or undefined when it is one plain address. */
export function recipientProblem(entry: string): string | undefined {
  if (plainAddress(entry) !== undefined) return undefined;
  return `${JSON.stringify(entry)} is not one plain e-mail address (name@domain); display names, <brackets>, (comments), groups, ';' and quotes are refused`;
}

/** Why an entry of REPORT_RECIPIENT_ALLOWLIST is refused: it must be `@domain` or one plain address. */
export function allowEntryProblem(entry: string): string | undefined {
  if (ALLOWED_DOMAIN.test(entry) || plainAddress(entry) !== undefined) return undefined;
  return `${JSON.stringify(entry)} is neither @domain nor one plain e-mail address`;
}

/** Whether a plain address is allowed: an empty list allows all; `@domain` matches that exact domain. */
export function isAllowed(address: string, allowList: readonly string[]): boolean {
  if (allowList.length === 0) return true;
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return allowList.some((entry) => {
    const allowed = entry.toLowerCase();
    return allowed.startsWith('@') ? domain === allowed.slice(1) : lower === allowed;
  });
}
