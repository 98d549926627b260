import { optional } from './fields.ts';
import type { SourceRecord } from './source.ts';
import { checkBagId, checkHuisletter, checkInt, checkToevoeging, normalisePostcode } from './validate.ts';

/** The address part every source stages, under the column names every staging table gives it. */
export interface Address {
  verblijfsobject_id: string | null;
  postcode: string | null;
  huisnummer: number | null;
  huisletter: string | null;
  huisnummertoevoeging: string | null;
}

const objectId = (s: string) => checkBagId(s, 'verblijfsobject', 'ligplaats', 'standplaats');
const huisnummer = (s: string) => checkInt(s, 1, 99999, 'huisnummer');

/** A verblijfsobject id and/or a postal address, each part checked. */
export function addressValues(record: SourceRecord): Address {
  return {
    verblijfsobject_id: optional(record, 'verblijfsobject_id', objectId),
    postcode: optional(record, 'postcode', normalisePostcode),
    huisnummer: optional(record, 'huisnummer', huisnummer),
    huisletter: optional(record, 'huisletter', checkHuisletter),
    huisnummertoevoeging: optional(record, 'huisnummertoevoeging', checkToevoeging),
  };
}

export const ADDRESS_ALIASES = {
  verblijfsobject_id: { aliases: ['verblijfsobject', 'vbo_id', 'vbo', 'adresseerbaar_object_id', 'adresseerbaarobjectidentificatie', 'bag_id', 'object_id'] },
  postcode: { aliases: ['pc', 'postcode_cijfers_letters'] },
  huisnummer: { aliases: ['huisnr', 'nummer'] },
  huisletter: { aliases: ['letter'] },
  huisnummertoevoeging: { aliases: ['toevoeging', 'huisnr_toevoeging', 'huisnummer_toevoeging'] },
};
