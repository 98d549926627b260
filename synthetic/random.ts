/** mulberry32: small, fast, and the same sequence on every machine for the same seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const between = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/**
 * The n-th valid BSN of a deterministic sequence, unique for n below 22.5 million: each n owns
 * four consecutive 8-digit heads, and of two consecutive heads at least one has a check digit.
 */
export function bsnFor(n: number): string {
  for (let j = 0; ; j++) {
    const head = String(10_000_000 + n * 4 + j);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (9 - i) * (head.charCodeAt(i) - 48);
    const check = sum % 11;
    if (check <= 9) return head + String(check);
  }
}
