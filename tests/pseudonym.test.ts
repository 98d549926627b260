import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ShortHmacSha256 } from '../lib/hmac-sha256.ts';
import { Pseudonymizer } from '../lib/pseudonym.ts';

describe('pseudonymisation', () => {
  it('is HMAC-SHA256 exactly as node:crypto computes it, for random keys and messages', () => {
    for (let k = 0; k < 50; k++) {
      const key = randomBytes(1 + (k % 64));
      const hmac = new ShortHmacSha256(key);
      for (let m = 0; m < 200; m++) {
        const message = randomBytes(m % 56)
          .toString('latin1')
          .replace(/[^\x20-\x7e]/g, 'x');
        expect(hmac.hex(message)).toBe(createHmac('sha256', key).update(message, 'latin1').digest('hex'));
      }
    }
  });

  it('gives the same digest as words of bytes inside a larger buffer', () => {
    const key = randomBytes(40);
    const hmac = new ShortHmacSha256(key);
    for (let m = 0; m < 56; m++) {
      const bytes = randomBytes(m + 7);
      const words = hmac.words(bytes, 3, m);
      const digest = Buffer.alloc(32);
      for (let i = 0; i < 8; i++) digest.writeInt32BE(words[i]!, i * 4);
      expect(digest.toString('hex')).toBe(
        createHmac('sha256', key)
          .update(bytes.subarray(3, 3 + m))
          .digest('hex'),
      );
    }
  });

  it('gives the same pseudonym for the same BSN and key, another for another key', () => {
    const a = new Pseudonymizer('a'.repeat(40), 1);
    const b = new Pseudonymizer('b'.repeat(40), 2);
    expect(a.pseudonymise('999993653')).toBe(createHmac('sha256', 'a'.repeat(40)).update('999993653').digest('hex'));
    expect(a.pseudonymise('999993653')).toBe(a.pseudonymise('999993653'));
    expect(b.pseudonymise('999993653')).not.toBe(a.pseudonymise('999993653'));
  });

  it('hashes keys longer than a block first, as RFC 2104 says', () => {
    const key = 'k'.repeat(100);
    expect(new Pseudonymizer(key, 1).pseudonymise('999993653')).toBe(createHmac('sha256', key).update('999993653').digest('hex'));
  });

  it('refuses a short key', () => {
    expect(() => new Pseudonymizer('short', 1)).toThrow(/too short/);
  });
});
