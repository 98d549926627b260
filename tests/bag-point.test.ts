import { describe, expect, it } from 'vitest';
import { bag } from '../sources/bag/index.ts';
import type { ValidateContext } from '../sources/source.ts';

// The BAG validator never pseudonymises.
const context = {} as ValidateContext;

/** The point columns (rd_x, rd_y, lat, lon) of one staged verblijfsobject, and what was dropped. */
function point(coordinates: Record<string, string>) {
  const checked = bag.validate(
    {
      kind: 'vbo',
      line: 7,
      fields: { verblijfsobject_id: '0363010000784610', object_type: 'VBO', oppervlakte: '96', gebruiksdoelen: 'woonfunctie', ...coordinates },
    },
    context,
  );
  if (!checked.ok) throw new Error(`row rejected: ${checked.reason}`);
  const { rd_x, rd_y, lat, lon } = checked.rows[0]!.fields;
  return { values: [rd_x, rd_y, lat, lon].map((v) => (v === null || v === undefined ? null : Number(v))), dropped: checked.notes ?? [] };
}

// A row of the NLExtract sample: De Ruijterkade 105-2, Amsterdam.
const RD = { rd_x: '122177', rd_y: '487877' };
const WGS = { lat: '52.377779679934136', lon: '4.905166809483972' };

describe('the point of a BAG object', () => {
  it('keeps RD as given and computes WGS84 from it when the file gives only RD', () => {
    const { values, dropped } = point(RD);
    expect(values.slice(0, 2)).toEqual([122177, 487877]);
    expect(values[2]).toBeCloseTo(52.37778, 5);
    expect(values[3]).toBeCloseTo(4.90517, 5);
    expect(dropped).toEqual([]);
  });

  it("keeps the file's own lon/lat when they agree with its RD point", () => {
    expect(point({ ...RD, ...WGS })).toEqual({ values: [122177, 487877, 52.377779679934136, 4.905166809483972], dropped: [] });
  });

  it('keeps lon/lat from a file that gives only those, with no RD', () => {
    expect(point(WGS)).toEqual({ values: [null, null, 52.377779679934136, 4.905166809483972], dropped: [] });
  });

  it('reads a decimal comma, as Dutch Excel writes it', () => {
    expect(point({ rd_x: '122177,5', rd_y: '487877,25' }).values.slice(0, 2)).toEqual([122177.5, 487877.25]);
  });

  it.each([
    [{ rd_x: '999999', rd_y: '487877' }, 'rd_x', 'rd_x ligt buiten 0..300000 (RD-bereik); punt weggelaten, object wel geladen'],
    [{ rd_x: '122177', rd_y: '12' }, 'rd_y', 'rd_y ligt buiten 300000..625000 (RD-bereik); punt weggelaten, object wel geladen'],
    [{ rd_x: '0x1D4C0', rd_y: '487877' }, 'rd_x', 'rd_x is geen getal; punt weggelaten, object wel geladen'],
    [{ rd_x: '1.2e5', rd_y: '487877' }, 'rd_x', 'rd_x is geen getal; punt weggelaten, object wel geladen'],
    [{ rd_x: '122177' }, 'rd_y', 'rd_y ontbreekt terwijl rd_x gegeven is; punt weggelaten, object wel geladen'],
    [{ lat: '52.37', lon: '0' }, 'lon', 'lon ligt buiten 3,2..7,3 (Nederland); punt weggelaten, object wel geladen'],
    [{ lat: WGS.lon, lon: WGS.lat }, 'lat', 'lat en lon lijken verwisseld; punt weggelaten, object wel geladen'],
    [{ punt_fout: 'gml:pos heeft geen x en y' }, 'geometrie', 'gml:pos heeft geen x en y; punt weggelaten, object wel geladen'],
  ])('drops an impossible point %o with a note, and still stages the object', (coordinates, column, reason) => {
    expect(point(coordinates)).toEqual({ values: [null, null, null, null], dropped: [{ column, reason }] });
  });

  it('falls back on the other pair when one is wrong', () => {
    const rdWrong = point({ rd_x: '-5', rd_y: '487877', ...WGS });
    expect(rdWrong.values).toEqual([null, null, 52.377779679934136, 4.905166809483972]);
    expect(rdWrong.dropped).toEqual([
      { column: 'rd_x', reason: 'rd_x ligt buiten 0..300000 (RD-bereik); RD-punt weggelaten, lat/lon uit het bestand wel gebruikt' },
    ]);

    const swapped = point({ ...RD, lat: WGS.lon, lon: WGS.lat });
    expect(swapped.values[2]).toBeCloseTo(52.37778, 5);
    expect(swapped.dropped).toEqual([{ column: 'lat', reason: 'lat en lon lijken verwisseld; lat/lon berekend uit rd_x/rd_y' }]);
  });

  it("trusts RD over a file's lon/lat that lies elsewhere (a shifted column, another object's point)", () => {
    // 0.002 degrees of latitude is about 220 m.
    const { values, dropped } = point({ ...RD, lat: '52.379779679934136', lon: WGS.lon });
    expect(values[2]).toBeCloseTo(52.37778, 5);
    expect(dropped).toEqual([{ column: 'lat', reason: 'lat/lon ligt meer dan 10 m van het punt van rd_x/rd_y; lat/lon berekend uit rd_x/rd_y' }]);
  });
});
