/** A count with the Dutch noun in the right number: `aantal(1, 'rij', 'rijen')` is "1 rij". */
export function aantal(n: number, enkelvoud: string, meervoud: string): string {
  return `${n} ${n === 1 ? enkelvoud : meervoud}`;
}
