import { csvSplitting, readCsv } from '../csv.ts';
import { must, oneOf, opt, optional, req } from '../fields.ts';
import {
  RowError,
  stagingTable,
  tablesByName,
  validation,
  type AddNote,
  type SourceDefinition,
  type SourceFormat,
  type SourceRecord,
  type StagedRow,
} from '../source.ts';
import { checkBagId, checkHuisletter, checkInt, checkToevoeging, normalisePostcode } from '../validate.ts';
import { plainCsv } from '../plain-csv.ts';
import { NLEXTRACT_COLUMNS } from './nlextract-csv.ts';
import { bagPlainRows } from './plain-rows.ts';
import { bagPoint } from './point.ts';
import { readBagXml } from './xml-reader.ts';

export const GEBRUIKSDOELEN = [
  'woonfunctie',
  'bijeenkomstfunctie',
  'celfunctie',
  'gezondheidszorgfunctie',
  'industriefunctie',
  'kantoorfunctie',
  'logiesfunctie',
  'onderwijsfunctie',
  'sportfunctie',
  'winkelfunctie',
  'overige gebruiksfunctie',
] as const;

export const VBO_STATUSES = [
  'Verblijfsobject gevormd',
  'Niet gerealiseerd verblijfsobject',
  'Verblijfsobject in gebruik (niet ingemeten)',
  'Verblijfsobject in gebruik',
  'Verbouwing verblijfsobject',
  'Verblijfsobject ingetrokken',
  'Verblijfsobject buiten gebruik',
  'Verblijfsobject ten onrechte opgevoerd',
  // ligplaats and standplaats
  'Plaats aangewezen',
  'Plaats ingetrokken',
] as const;

const objectType = oneOf(['VBO', 'LIG', 'STA'], { verblijfsobject: 'VBO', ligplaats: 'LIG', standplaats: 'STA' });
const statusCheck = oneOf(VBO_STATUSES);
const doelCheck = oneOf(GEBRUIKSDOELEN, { 'overige gebruiksfunctie': 'overige gebruiksfunctie' });
const bool = oneOf(['t', 'f'], { true: 't', false: 'f', ja: 't', nee: 'f', '1': 't', '0': 'f', j: 't', n: 'f' });
const BAG_TYPE_FOR = { VBO: 'verblijfsobject', LIG: 'ligplaats', STA: 'standplaats' } as const;

const VBO = stagingTable('staging.bag_vbo', [
  'verblijfsobject_id',
  'object_type',
  'oppervlakte',
  'gebruiksdoelen',
  'status',
  'pand_ids',
  'rd_x',
  'rd_y',
  'lat',
  'lon',
]);
const NUM = stagingTable('staging.bag_num', [
  'nummeraanduiding_id',
  'postcode',
  'huisnummer',
  'huisletter',
  'huisnummertoevoeging',
  'openbareruimte',
  'woonplaats',
  'status',
]);
const VBO_NUM = stagingTable('staging.bag_vbo_num', ['verblijfsobject_id', 'nummeraanduiding_id', 'is_nevenadres']);

const nlextract: SourceFormat = {
  name: 'bag-nlextract-csv',
  claims: (path) => /\.(csv|txt)$/i.test(path),
  read: (path, { displayName }) => readCsv(path, { displayName, columns: NLEXTRACT_COLUMNS }),
  split: csvSplitting(NLEXTRACT_COLUMNS),
  readPlain: plainCsv(NLEXTRACT_COLUMNS, bagPlainRows({ gebruiksdoelen: GEBRUIKSDOELEN, statuses: VBO_STATUSES }), [NUM.name, VBO_NUM.name]),
};

const kadasterXml: SourceFormat = {
  name: 'bag-xml',
  claims: (path, head) => /\.(zip|xml)$/i.test(path) || head.length === 0,
  read: (path, { displayName, tempDir }) => readBagXml(path, { displayName, tempDir }),
};

function vboRow(record: SourceRecord, note: AddNote): StagedRow {
  const type = must(objectType(opt(record, 'object_type') ?? 'VBO'), 'object_type') as keyof typeof BAG_TYPE_FOR;
  const id = must(checkBagId(req(record, 'verblijfsobject_id'), BAG_TYPE_FOR[type]), 'verblijfsobject_id');
  const oppervlakte = optional(record, 'oppervlakte', (s) => checkInt(s, 1, 999_999, 'oppervlakte'));
  if (type === 'VBO' && oppervlakte === null) throw new RowError('oppervlakte', 'verblijfsobject zonder oppervlakte');
  const doelen = (opt(record, 'gebruiksdoelen') ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => must(doelCheck(d), 'gebruiksdoelen'));
  if (type === 'VBO' && doelen.length === 0) throw new RowError('gebruiksdoelen', 'verblijfsobject zonder gebruiksdoel');
  const panden = (opt(record, 'pand_ids') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => must(checkBagId(p, 'pand'), 'pand_ids'));
  return VBO.row({
    verblijfsobject_id: id,
    object_type: type,
    oppervlakte,
    gebruiksdoelen: pgArray(doelen),
    status: optional(record, 'status', statusCheck),
    pand_ids: pgArray(panden),
    ...bagPoint(record, note),
  });
}

/** `ownStatus` is false for NLExtract rows, whose status column is the object's, not the address's. */
function numRow(record: SourceRecord, ownStatus = true): StagedRow {
  return NUM.row({
    nummeraanduiding_id: must(checkBagId(req(record, 'nummeraanduiding_id'), 'nummeraanduiding'), 'nummeraanduiding_id'),
    // BAG allows a nummeraanduiding without postcode; it then cannot be matched by address.
    postcode: optional(record, 'postcode', normalisePostcode),
    huisnummer: must(checkInt(req(record, 'huisnummer'), 1, 99_999, 'huisnummer'), 'huisnummer'),
    huisletter: optional(record, 'huisletter', checkHuisletter),
    huisnummertoevoeging: optional(record, 'huisnummertoevoeging', checkToevoeging),
    openbareruimte: opt(record, 'openbareruimte') ?? null,
    woonplaats: opt(record, 'woonplaats') ?? null,
    status: ownStatus ? (opt(record, 'status') ?? null) : null,
  });
}

function linkRow(record: SourceRecord): StagedRow {
  return VBO_NUM.row({
    verblijfsobject_id: must(checkBagId(req(record, 'verblijfsobject_id'), 'verblijfsobject', 'ligplaats', 'standplaats'), 'verblijfsobject_id'),
    nummeraanduiding_id: must(checkBagId(req(record, 'nummeraanduiding_id'), 'nummeraanduiding'), 'nummeraanduiding_id'),
    is_nevenadres: optional(record, 'is_nevenadres', bool) === 't',
  });
}

/** A text[] in COPY text format; element quoting keeps commas and quotes inside values intact. */
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

export const bag: SourceDefinition<'bag'> = {
  name: 'bag',
  label: 'BAG',
  freshnessDays: 35,
  formats: [nlextract, kadasterXml],
  tables: tablesByName(VBO, NUM, VBO_NUM),
  // The first four digits of a BAG id are the CBS code of the municipality that issued it.
  gemeentecodesSql: `SELECT code, sum(n)::bigint AS n FROM (
      SELECT left(verblijfsobject_id, 4) AS code, count(*) AS n FROM staging.bag_vbo WHERE load_id = $1 GROUP BY 1
      UNION ALL
      SELECT left(nummeraanduiding_id, 4), count(*) FROM staging.bag_num WHERE load_id = $1 GROUP BY 1) c
    GROUP BY code ORDER BY n DESC, code`,
  maskedFields: [],
  validate(record) {
    return validation((note) => {
      switch (record.kind) {
        case 'vbo':
          return [vboRow(record, note)];
        case 'num':
          return [numRow(record)];
        case 'vbo_num':
          return [linkRow(record)];
        default:
          // An NLExtract row carries object, address and their link at once.
          return [vboRow(record, note), numRow(record, false), linkRow(record)];
      }
    });
  },
};
