/**
 * Permit and Damocles registers for a synthetic municipality, written as the spreadsheets and CSVs
 * municipalities keep. Filled in by the permits/Damocles work; the municipality generator calls it
 * with a bounded sample of its addresses and residents.
 */
export interface SampleAddress {
  verblijfsobjectId: string;
  nummeraanduidingId: string;
  postcode: string;
  huisnummer: number;
  huisletter: string;
  gebruiksdoel: string;
  oppervlakte: number;
  /** BSNs registered here (W), at most a few. */
  residents: string[];
}

export interface RegisterPlan {
  /** A bounded, evenly spread sample of addresses (at most a few thousand). */
  addresses: SampleAddress[];
  /** How many verblijfsobjecten the municipality has, to scale the registers. */
  verblijfsobjecten: number;
  seed: number;
}

export interface GeneratedRegisters {
  files: string[];
  /** Planted cases per rule code: the subject keys (usually verblijfsobject ids) a run must flag. */
  planted: Record<string, string[]>;
}

export async function generateRegisters(_dir: string, _plan: RegisterPlan): Promise<GeneratedRegisters> {
  return { files: [], planted: {} };
}
