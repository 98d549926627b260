import type { ColumnSpec } from '../columns.ts';

/** NLExtract "adres-full" CSV: one row per (adresseerbaar object, nummeraanduiding). */
export const NLEXTRACT_COLUMNS: ColumnSpec = {
  verblijfsobject_id: { required: true, aliases: ['object_id', 'adresseerbaarobject'] },
  object_type: { required: true, aliases: ['objecttype'] },
  nummeraanduiding_id: { required: true, aliases: ['nummeraanduiding'] },
  is_nevenadres: { aliases: ['nevenadres'] },
  gebruiksdoelen: { aliases: ['verblijfsobjectgebruiksdoel', 'gebruiksdoel'] },
  oppervlakte: { aliases: ['oppervlakteadresseerbaarobject', 'oppervlakteverblijfsobject'] },
  status: { aliases: ['verblijfsobjectstatus'] },
  pand_ids: { aliases: ['pandid', 'pand_id'] },
  postcode: { required: true },
  huisnummer: { required: true },
  huisletter: {},
  huisnummertoevoeging: {},
  openbareruimte: { aliases: ['straatnaam', 'openbareruimtenaam'] },
  woonplaats: { aliases: ['woonplaatsnaam'] },
  rd_x: { aliases: ['x', 'x_coordinaat'] },
  rd_y: { aliases: ['y', 'y_coordinaat'] },
  lon: { aliases: ['lng', 'longitude', 'lengtegraad'] },
  lat: { aliases: ['latitude', 'breedtegraad'] },
};
