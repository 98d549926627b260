import { describe, expect, it } from 'vitest';
import { rng } from '../synthetic/random.ts';
import { addressKey, checkBagId, checkBsn, checkKvk, cleanName, normalisePostcode, parseDate, parseDateText } from '../sources/validate.ts';
import { printable } from '../lib/terminal.ts';

describe('BSN 11-proef', () => {
  it('accepts valid numbers, including the 9999 and 0000 test ranges', () => {
    expect(checkBsn('999993653')).toEqual({ ok: true, value: '999993653' });
    expect(checkBsn('111222333').ok).toBe(true);
    expect(checkBsn('000000012').ok).toBe(true);
  });
  it('gives an 8-digit number its leading zero before checking', () => {
    expect(checkBsn('12345672')).toEqual({ ok: true, value: '012345672' });
    expect(checkBsn('12345673').ok).toBe(false);
  });
  it('rejects a failing checksum, 000000000, and wrong lengths', () => {
    expect(checkBsn('999993654')).toEqual({ ok: false, reason: 'BSN voldoet niet aan de 11-proef' });
    expect(checkBsn('000000000').ok).toBe(false);
    expect(checkBsn('1234567').ok).toBe(false);
    expect(checkBsn('1234567890').ok).toBe(false);
    expect(checkBsn('12345678a').ok).toBe(false);
  });
});

describe('postcode and address normalisation', () => {
  it('removes spaces and upper-cases', () => {
    expect(normalisePostcode('3441 ab')).toEqual({ ok: true, value: '3441AB' });
    expect(normalisePostcode(' 3441AB ')).toEqual({ ok: true, value: '3441AB' });
  });
  it('rejects leading zero, wrong shapes and letter pairs that are never issued', () => {
    expect(normalisePostcode('0441AB').ok).toBe(false);
    expect(normalisePostcode('3441A').ok).toBe(false);
    expect(normalisePostcode('3441SS').ok).toBe(false);
    expect(normalisePostcode('3441SA').ok).toBe(false);
    expect(normalisePostcode('3441SD').ok).toBe(false);
    expect(normalisePostcode('3441SB').ok).toBe(true);
  });
  it('builds one key for every spelling of an address', () => {
    expect(addressKey('3441 ab', 12, 'a', ' 2 ')).toBe('3441AB|12|A|2');
    expect(addressKey('3441AB', '12', null, null)).toBe('3441AB|12||');
  });
});

describe('BAG identifiers', () => {
  it('left-pads to 16 digits and checks the object type', () => {
    expect(checkBagId('363010000964973', 'verblijfsobject')).toEqual({ ok: true, value: '0363010000964973' });
    expect(checkBagId('0363200000081086', 'verblijfsobject').ok).toBe(false);
    expect(checkBagId('0363200000081086', 'nummeraanduiding').ok).toBe(true);
    expect(checkBagId('03632000000810861', 'nummeraanduiding').ok).toBe(false);
  });
});

/** A random 9-digit number that passes the 11-proef. */
function validBsn(random: () => number): string {
  for (;;) {
    const s = String(100_000_000 + Math.floor(random() * 899_999_999));
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (9 - i) * Number(s[i]);
    if ((sum - Number(s[8])) % 11 === 0) return s;
  }
}

describe('fast paths against their regular-expression references', () => {
  it('cleans and checks BSNs and postcodes the same way whatever path they take', () => {
    const random = rng(11);
    // The reference: the cleaning as it was written before the fast path, then the 11-proef.
    const bsnReference = (raw: string) => {
      const digits = raw.replace(/[\s.-]/g, '');
      if (!/^\d{8,9}$/.test(digits)) return null;
      const bsn = digits.padStart(9, '0');
      let sum = 0;
      for (let i = 0; i < 8; i++) sum += (9 - i) * Number(bsn[i]);
      sum -= Number(bsn[8]);
      return bsn !== '000000000' && sum % 11 === 0 ? bsn : null;
    };
    const postcodeReference = (raw: string) => {
      const pc = raw.replace(/\s+/g, '').toUpperCase();
      return /^[1-9][0-9]{3}[A-Z]{2}$/.test(pc) && !['SA', 'SD', 'SS'].includes(pc.slice(4)) ? pc : null;
    };
    const chars = ['0', '1', '5', '9', ' ', '.', '-', 'a', 'A', 'Z', 's', 'S', '\t', '\u00a0'];
    for (let i = 0; i < 30_000; i++) {
      const length = 4 + Math.floor(random() * 8);
      let s = '';
      for (let k = 0; k < length; k++) s += chars[Math.floor(random() * chars.length)];
      if (i % 2 === 0)
        s =
          `${1 + Math.floor(random() * 9)}${Math.floor(random() * 1000)}`.padEnd(4, '0') +
          [' ', '', '  ', '\t'][i % 4]! +
          'ABSZa'[i % 5]! +
          'ADSzB'[(i >> 1) % 5]!;
      // Every third string is 8 to 10 digits, a tenth of them valid BSNs, some with a separator.
      if (i % 3 === 1) {
        s = Array.from({ length: 8 + Math.floor(random() * 3) }, () => Math.floor(random() * 10)).join('');
        if (i % 10 === 1) s = validBsn(random);
        if (i % 7 === 1) s = `${s.slice(0, 4)}.${s.slice(4)}`;
      }
      const bsn = checkBsn(s);
      expect(bsn.ok ? bsn.value : null, s).toBe(bsnReference(s));
      const pc = normalisePostcode(s);
      expect(pc.ok ? pc.value : null, JSON.stringify(s)).toBe(postcodeReference(s));
    }
    for (const s of [
      '3440 AA',
      '3440AA',
      '3440 aa',
      ' 3440AA',
      '3440  AA',
      '0440AA',
      '3440 SA',
      '3440\tAB',
      '999993653',
      '99999365',
      '999.993.653',
      '1234567890',
    ]) {
      expect(normalisePostcode(s).ok ? (normalisePostcode(s) as { value: string }).value : null, s).toBe(postcodeReference(s));
      const bsn = checkBsn(s);
      expect(bsn.ok ? bsn.value : null, s).toBe(bsnReference(s));
    }
  });
});

describe('dates', () => {
  it('reads BRP, ISO, Dutch and Excel-serial dates', () => {
    expect(parseDate('20131102')).toMatchObject({ ok: true, value: { date: '2013-11-02', exact: true } });
    expect(parseDate('2013-11-02')).toMatchObject({ ok: true, value: { date: '2013-11-02' } });
    expect(parseDate('2-11-2013')).toMatchObject({ ok: true, value: { date: '2013-11-02' } });
    expect(parseDate('45292', { allowSerial: true })).toMatchObject({ ok: true, value: { date: '2024-01-01' } });
  });
  it('keeps partly unknown BRP dates as partial when allowed', () => {
    expect(parseDate('19850000', { allowPartial: true })).toMatchObject({ ok: true, value: { date: '1985-01-01', partial: '1985-00-00', exact: false } });
    expect(parseDate('19850300', { allowPartial: true })).toMatchObject({ ok: true, value: { date: '1985-03-01', partial: '1985-03-00' } });
    expect(parseDate('19850000').ok).toBe(false);
  });
  it('rejects impossible dates', () => {
    expect(parseDate('20230229').ok).toBe(false);
    expect(parseDate('31-04-2020').ok).toBe(false);
    expect(parseDate('20201301').ok).toBe(false);
    expect(parseDate('gisteren').ok).toBe(false);
    expect(parseDate('19000229').ok).toBe(false);
    expect(parseDate('20000229').ok).toBe(true);
    expect(parseDate('29-02-2024').ok).toBe(true);
    expect(parseDate('2100-02-29').ok).toBe(false);
  });
  it('accepts a day exactly when the calendar has it', () => {
    for (let y = 1800; y <= 2200; y += 1) {
      for (let m = 1; m <= 12; m++)
        for (let d = 27; d <= 32; d++) {
          const probe = new Date(Date.UTC(y, m - 1, d));
          const exists = probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
          expect(parseDate(`${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`).ok, `${y}-${m}-${d}`).toBe(exists);
        }
    }
  });
  it('reads every text as the regular-expression reference does, through the fast path or not', () => {
    // Short strings of digits, separators and a few other characters hit every branch of the
    // fast path's hand-written matching, including near misses of each pattern.
    const random = rng(7);
    const alphabet = ['0', '1', '2', '3', '9', '0', '1', '2', '-', '/', '.', 'T', ' ', 'x', '\u00a0', '\n', '\r', '\u2028'];
    const options = [{}, { allowPartial: true }, { allowSerial: true }, { allowPartial: true, allowSerial: true }];
    const nearMisses = [
      '1-123-2020',
      '123-1-2020',
      '2020-1-01',
      '2020-01-1',
      '20200101T',
      '2020-01-01T10:00',
      '2020-01-01 12:00',
      '2020-01-01x',
      '1/2/2020',
      '01.02.2020',
      '1-2/2020',
      '1-2-20201',
      '12-12-202',
      '2020010',
      '202001011',
      '00-00-0000',
      '\u00a020200101',
      '45292.5',
      '2020-01-01 x\ny',
      '2020-01-01T10\r00',
      '2020-01-01T\u2028',
      '2020-01-01 \u2029',
    ];
    for (const s of nearMisses)
      for (const option of options) expect(parseDate(s, option), `${s} ${JSON.stringify(option)}`).toEqual(parseDateText(s.trim(), option));
    let accepted = 0;
    for (let i = 0; i < 40_000; i++) {
      const length = 5 + Math.floor(random() * 9);
      let s = '';
      for (let k = 0; k < length; k++) s += alphabet[Math.floor(random() * alphabet.length)];
      // Seed the realistic shapes too, or nearly every string would miss every pattern.
      if (i % 3 === 0)
        s = `${1800 + Math.floor(random() * 500)}${String(Math.floor(random() * 14)).padStart(2, '0')}${String(Math.floor(random() * 33)).padStart(2, '0')}`;
      if (i % 3 === 1)
        s = `${Math.floor(random() * 34)}${alphabet[8 + Math.floor(random() * 3)]}${Math.floor(random() * 14)}${alphabet[8 + Math.floor(random() * 3)]}${1790 + Math.floor(random() * 450)}`;
      for (const option of options) {
        const expected = parseDateText(s.trim(), option);
        expect(parseDate(s, option), `${JSON.stringify(s)} ${JSON.stringify(option)}`).toEqual(expected);
        if (expected.ok) accepted++;
      }
    }
    // Most accepted strings are the plain forms the fast path reads, so it is what is compared.
    expect(accepted).toBeGreaterThan(20_000);
  });
});

describe('KvK numbers', () => {
  it('needs exactly 8 digits', () => {
    expect(checkKvk('12345678').ok).toBe(true);
    expect(checkKvk('1234567').ok).toBe(false);
  });
});

describe('names and terminals', () => {
  it('strips control and bidi characters from a name, keeping the words apart', () => {
    expect(cleanName('Jansen')).toBe('Jansen');
    expect(cleanName('De\tVries\r\n')).toBe('De Vries');
    expect(cleanName('Ab\u202eba\u2066c\u2069')).toBe('Ab ba c');
    expect(cleanName('\u001b\u0007')).toBeNull();
    expect(cleanName('Ærø-Øst ŝ')).toBe('Ærø-Øst ŝ');
  });

  it('shows what a terminal would obey as visible escapes, line breaks kept', () => {
    expect(printable('a\u001b[31mb\u0007\u202ec\nd')).toBe('a\\u001b[31mb\\u0007\\u202ec\nd');
    expect(printable('Müller')).toBe('Müller');
  });
});
