import type { StagedValue } from './source.ts';
import { optional } from './fields.ts';
import type { SourceRecord } from './types.ts';
import { checkBagId, checkHuisletter, checkInt, checkToevoeging, normalisePostcode } from './validate.ts';

/**
 * The address part every source shares: a verblijfsobject id and/or a postal address. Returns the
 * staging values (verblijfsobject_id, postcode, huisnummer, huisletter, huisnummertoevoeging).
 */
const objectId = (s: string) => checkBagId(s, 'verblijfsobject', 'ligplaats', 'standplaats');
const huisnummer = (s: string) => checkInt(s, 1, 99999, 'huisnummer');

export function addressValues(record: SourceRecord): StagedValue[] {
  return [
    optional(record, 'verblijfsobject_id', objectId),
    optional(record, 'postcode', normalisePostcode),
    optional(record, 'huisnummer', huisnummer),
    optional(record, 'huisletter', checkHuisletter),
    optional(record, 'huisnummertoevoeging', checkToevoeging),
  ];
}

export const ADDRESS_ALIASES = {
  verblijfsobject_id: { aliases: ['verblijfsobject', 'vbo_id', 'vbo', 'adresseerbaar_object_id', 'adresseerbaarobjectidentificatie', 'bag_id', 'object_id'] },
  postcode: { aliases: ['pc', 'postcode_cijfers_letters'] },
  huisnummer: { aliases: ['huisnr', 'nummer'] },
  huisletter: { aliases: ['letter'] },
  huisnummertoevoeging: { aliases: ['toevoeging', 'huisnr_toevoeging', 'huisnummer_toevoeging'] },
};
