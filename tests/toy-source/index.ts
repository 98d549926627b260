/**
 * A source that exists only for tests: what a new source is, as a folder of its own. Its
 * declaration, its CSV read by the shared reader, its staging table (staging.sql, standing in for
 * the migration a real source would add). Registered through PipelineContext.sources, never in the
 * production registry.
 */
import { readCsv } from '../../sources/csv.ts';
import type { ColumnSpec } from '../../sources/columns.ts';
import { must, opt, req } from '../../sources/fields.ts';
import { registerAddress, registerDate } from '../../sources/register-fields.ts';
import { RowError, stagingTable, tablesByName, validation, type SourceDefinition } from '../../sources/source.ts';
import { checkInt } from '../../sources/validate.ts';
import { ADDRESS_ALIASES } from '../../sources/address-fields.ts';

export const TOY_COLUMNS: ColumnSpec = {
  meting_id: { required: true, aliases: ['id', 'nummer_meting'] },
  datum: { required: true, aliases: ['gemeten_op'] },
  waarde: { aliases: ['uitkomst'] },
  ...ADDRESS_ALIASES,
};

export const TOY_STAGING = stagingTable('staging.toy_meting', [
  'meting_id',
  'datum',
  'waarde',
  'verblijfsobject_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
]);

export const toy: SourceDefinition<'toy'> = {
  name: 'toy',
  label: 'meetpunt',
  freshnessDays: 3,
  formats: [{ name: 'toy-csv', claims: (path) => /\.csv$/i.test(path), read: (path, { displayName }) => readCsv(path, { displayName, columns: TOY_COLUMNS }) }],
  tables: tablesByName(TOY_STAGING),
  maskedFields: [],
  validate(record) {
    return validation(() => {
      const datum = registerDate(record, 'datum');
      if (datum === null) throw new RowError('datum', 'verplicht veld is leeg');
      const waarde = opt(record, 'waarde');
      return [
        TOY_STAGING.row({
          meting_id: req(record, 'meting_id'),
          datum,
          waarde: waarde === undefined ? null : must(checkInt(waarde, 0, 1000, 'waarde'), 'waarde'),
          ...registerAddress(record),
        }),
      ];
    });
  },
};
