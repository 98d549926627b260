import { createHash, type Hash } from 'node:crypto';

/**
 * Keyed pseudonyms for BSNs: HMAC-SHA256 under a key that lives only in this process.
 * The key never reaches SQL text, logs or errors; the database sees only the pseudonym and the
 * version of the key that made it, so a rotation can be done and audited.
 *
 * HMAC is computed from precomputed inner and outer hash states (RFC 2104): hashing a 9-digit
 * BSN then costs two `copy()`s instead of a full key schedule per call, which matters at 18
 * million residents.
 */
export class Pseudonymizer {
  readonly #inner: Hash;
  readonly #outer: Hash;

  constructor(
    key: string,
    readonly keyVersion: number,
  ) {
    if (key.length < 32) throw new Error('pseudonymisation key too short (at least 32 characters)');
    let k = Buffer.from(key, 'utf8');
    if (k.length > 64) k = createHash('sha256').update(k).digest();
    const block = Buffer.alloc(64);
    k.copy(block);
    const ipad = Buffer.alloc(64);
    const opad = Buffer.alloc(64);
    for (let i = 0; i < 64; i++) {
      ipad[i] = block[i]! ^ 0x36;
      opad[i] = block[i]! ^ 0x5c;
    }
    this.#inner = createHash('sha256').update(ipad);
    this.#outer = createHash('sha256').update(opad);
  }

  /** The pseudonym of a BSN that has already passed the 11-proef (so always 9 digits). */
  pseudonymise(bsn: string): string {
    const inner = this.#inner.copy().update(bsn).digest();
    return this.#outer.copy().update(inner).digest('hex');
  }
}
