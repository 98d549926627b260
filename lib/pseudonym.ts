import { createHash, createHmac } from 'node:crypto';
import { ShortHmacSha256 } from './hmac-sha256.ts';

/**
 * Keyed pseudonyms for BSNs: HMAC-SHA256 under a key that lives only in this process.
 * The key never reaches SQL text, logs or errors; the database sees only the pseudonym and the
 * version of the key that made it, so a rotation can be done and audited.
 */
/** What the check value of a key is the HMAC of: not nine digits, so never the pseudonym of a BSN. */
const CHECK_LABEL = 'informatiepakhuis sleutelcontrole v1';

export class Pseudonymizer {
  readonly #hmac: ShortHmacSha256;
  readonly #key: string;
  /** HMAC of CHECK_LABEL under the key: tells one key from another without revealing either. */
  readonly checkValue: string;

  constructor(
    key: string,
    readonly keyVersion: number,
  ) {
    if (key.length < 32) throw new Error('pseudonymisation key too short (at least 32 characters)');
    this.#key = key;
    let k = Buffer.from(key, 'utf8');
    if (k.length > 64) k = createHash('sha256').update(k).digest();
    this.#hmac = new ShortHmacSha256(k);
    this.checkValue = createHmac('sha256', k).update(CHECK_LABEL).digest('hex');
  }

  /** The key, for an ingest worker thread of this process to make the same pseudonyms. */
  forWorkerThread(): { key: string; keyVersion: number } {
    return { key: this.#key, keyVersion: this.keyVersion };
  }

  /**
   * The pseudonym of the BSN in bytes[start, start + 9), already checked, written as 64 hex digits
   * into out at pos: the same text as pseudonymise() gives, with no string made.
   */
  pseudonymiseInto(bytes: Uint8Array, start: number, out: Uint8Array, pos: number): void {
    this.#hmac.hexInto(bytes, start, 9, out, pos);
  }

  /** The pseudonym of a BSN that has already passed the 11-proef (so always 9 digits). */
  pseudonymise(bsn: string): string {
    return this.#hmac.hex(bsn);
  }
}
