/**
 * HMAC-SHA256 for short messages (a BSN), from precomputed key states.
 *
 * node:crypto costs about 4 µs per HMAC of a 9-byte message, nearly all of it object set-up; at
 * 18 million residents that is over a minute of a single core. With the key's inner and outer
 * states computed once, each HMAC is exactly two SHA-256 compressions, done here in plain
 * integer arithmetic. The test suite checks it against node:crypto on random keys and messages.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/** '0'..'9', 'a'..'f' as bytes. */
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** One SHA-256 compression of the 16 words in w[0..15] into state (w is overwritten). */
function compress(state: Int32Array, w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!,
    e = state[4]!,
    f = state[5]!,
    g = state[6]!,
    h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

function stateAfterBlock(block: Uint8Array): Int32Array {
  const state = new Int32Array(IV);
  const w = new Int32Array(64);
  for (let i = 0; i < 16; i++) w[i] = (block[i * 4]! << 24) | (block[i * 4 + 1]! << 16) | (block[i * 4 + 2]! << 8) | block[i * 4 + 3]!;
  compress(state, w);
  return state;
}

export class ShortHmacSha256 {
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;
  readonly #state = new Int32Array(8);
  readonly #w = new Int32Array(64);
  readonly #digest = Buffer.alloc(32);

  /** `key` is at most 64 bytes (longer keys are hashed first by the caller, as RFC 2104 says). */
  constructor(key: Uint8Array) {
    if (key.length > 64) throw new Error('key longer than one block: hash it first');
    const ipad = new Uint8Array(64).fill(0x36);
    const opad = new Uint8Array(64).fill(0x5c);
    for (let i = 0; i < key.length; i++) {
      ipad[i]! ^= key[i]!;
      opad[i]! ^= key[i]!;
    }
    this.#inner = stateAfterBlock(ipad);
    this.#outer = stateAfterBlock(opad);
  }

  /** HMAC of an ASCII message of at most 55 bytes, as lowercase hex. */
  hex(message: string): string {
    const n = message.length;
    if (n > 55) throw new Error('message too long for the one-block path');
    const w = this.#w;
    w.fill(0, 0, 16);
    for (let i = 0; i < n; i++) w[i >> 2]! |= (message.charCodeAt(i) & 0xff) << (24 - (i & 3) * 8);
    const state = this.#finish(n);
    // Native hex of a reused buffer gives one flat string; 32 string pieces joined by + gave a rope
    // that cost twice the hashing to flatten when the COPY text was assembled.
    const digest = this.#digest;
    for (let i = 0; i < 8; i++) digest.writeInt32BE(state[i]!, i * 4);
    return digest.toString('hex');
  }

  /**
   * HMAC of bytes[start, start + n) (n at most 55) as eight big-endian words, in an array the
   * next call overwrites: no string is made. The floor benchmark uses it to time the hashing a
   * byte-level reader could not avoid.
   */
  words(bytes: Uint8Array, start: number, n: number): Int32Array {
    if (n > 55) throw new Error('message too long for the one-block path');
    const w = this.#w;
    for (let i = 0; i < 16; i++) w[i] = 0;
    for (let i = 0; i < n; i++) w[i >> 2]! |= bytes[start + i]! << (24 - (i & 3) * 8);
    return this.#finish(n);
  }

  /**
   * HMAC of bytes[start, start + n) (n at most 55) written as 64 lowercase hex digits into
   * out[pos, pos + 64): the byte-level reader (sources/plain-csv.ts) makes no string per row.
   */
  hexInto(bytes: Uint8Array, start: number, n: number, out: Uint8Array, pos: number): void {
    const state = this.words(bytes, start, n);
    for (let i = 0; i < 8; i++) {
      const v = state[i]!;
      for (let shift = 24; shift >= 0; shift -= 8) {
        const b = (v >>> shift) & 0xff;
        out[pos++] = HEX_DIGITS[b >> 4]!;
        out[pos++] = HEX_DIGITS[b & 15]!;
      }
    }
  }

  /** Both compressions, with the n message bytes already in w. */
  #finish(n: number): Int32Array {
    const w = this.#w;
    const state = this.#state;
    w[n >> 2]! |= 0x80 << (24 - (n & 3) * 8);
    w[15] = (64 + n) * 8;
    // Element by element: TypedArray set() and fill() are calls into the runtime, which per BSN cost more than the copy.
    const inner = this.#inner;
    for (let i = 0; i < 8; i++) state[i] = inner[i]!;
    compress(state, w);
    // Outer hash: the 32-byte inner digest, padding, and length 64 + 32 bytes.
    for (let i = 0; i < 8; i++) w[i] = state[i]!;
    w[8] = 0x80000000;
    for (let i = 9; i < 15; i++) w[i] = 0;
    w[15] = (64 + 32) * 8;
    const outer = this.#outer;
    for (let i = 0; i < 8; i++) state[i] = outer[i]!;
    compress(state, w);
    return state;
  }
}
