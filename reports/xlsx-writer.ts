import { zip } from '../lib/zip-writer.ts';

/**
 * A workbook (SpreadsheetML in a zip) with what SheetJS Community Edition cannot write: wrapped
 * text, a frozen, bold header row and an autofilter, besides column widths. Every cell is a number
 * or an inline string, never a formula: text that starts with = stays text, in Excel and
 * LibreOffice alike, and a 16-digit BAG id keeps its leading zero.
 */
export interface Sheet {
  name: string;
  /** hidden: kept for filtering and sorting, left out of view and print (the one-line address stands for its parts). */
  columns: { header: string; width: number; hidden?: boolean }[];
  rows: (string | number | null | undefined)[][];
  /** Text above the header (warnings): the header then sits lower, and the freeze with it. */
  preamble?: string[];
}

// XML 1.0 allows no control characters but tab, CR and LF; a source file may hold any of them.
const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// Style 0: default; 1: wrapped, top-aligned (cells); 2: bold, wrapped, grey fill (header); 3: bold, wrapped (preamble).
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="10"/><name val="Calibri"/></font><font><b/><sz val="10"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDDDDD"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
</cellXfs>
</styleSheet>`;

function sheetXml(sheet: Sheet): string {
  const pre = sheet.preamble ?? [];
  const headerRow = pre.length + 1;
  const rows: string[] = [];
  // A warning spans the visible width, wrapped; a row's height is not computed for merged cells, so
  // it is estimated from the length (about 1.1 characters per unit of column width).
  const visibleWidth = sheet.columns.filter((c) => !c.hidden).reduce((sum, c) => sum + c.width, 0);
  const lastColumn = columnName(sheet.columns.length - 1);
  pre.forEach((text, i) => {
    const lines = Math.max(1, Math.ceil(text.length / (visibleWidth * 1.1)));
    rows.push(
      `<row r="${i + 1}" ht="${lines * 13 + 2}" customHeight="1"><c r="A${i + 1}" t="inlineStr" s="3"><is><t xml:space="preserve">${xml(text)}</t></is></c></row>`,
    );
  });
  const merges = pre.map((_, i) => `<mergeCell ref="A${i + 1}:${lastColumn}${i + 1}"/>`);
  const cell = (ref: string, value: string | number | null | undefined, style: number) => {
    if (value === null || value === undefined || value === '') return '';
    if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${ref}" s="${style}"><v>${value}</v></c>` : '';
    return `<c r="${ref}" t="inlineStr" s="${style}"><is><t xml:space="preserve">${xml(value)}</t></is></c>`;
  };
  // Neither Excel nor LibreOffice fits a row to its wrapped text when it opens a file: a row
  // without a height stays one line high and the text runs over the next. The height is
  // estimated from the longest cell (about 1.25 characters per unit of column width, 13 points a line; headers are bold, hence wider).
  const height = (values: (string | number | null | undefined)[]) => {
    let lines = 1;
    values.forEach((v, i) => {
      const column = sheet.columns[i];
      if (typeof v !== 'string' || !column || column.hidden) return;
      const perLine = Math.max(1, Math.floor(column.width * 1.25));
      lines = Math.max(
        lines,
        v.split('\n').reduce((n, part) => n + Math.max(1, Math.ceil(part.length / perLine)), 0),
      );
    });
    return Math.min(409, lines * 13 + 2);
  };
  const headers = sheet.columns.map((c) => c.header);
  rows.push(
    `<row r="${headerRow}" ht="${height(headers)}" customHeight="1">${headers.map((h, i) => cell(`${columnName(i)}${headerRow}`, h, 2)).join('')}</row>`,
  );
  sheet.rows.forEach((values, r) => {
    const n = headerRow + 1 + r;
    rows.push(`<row r="${n}" ht="${height(values)}" customHeight="1">${values.map((v, i) => cell(`${columnName(i)}${n}`, v, 1)).join('')}</row>`);
  });
  const last = `${columnName(sheet.columns.length - 1)}${headerRow + sheet.rows.length}`;
  const topLeft = `A${headerRow + 1}`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>
<sheetViews><sheetView workbookViewId="0"><pane ySplit="${headerRow}" topLeftCell="${topLeft}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${topLeft}" sqref="${topLeft}"/></sheetView></sheetViews>
<cols>${sheet.columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${c.hidden ? ' hidden="1"' : ''}/>`).join('')}</cols>
<sheetData>${rows.join('')}</sheetData>
<autoFilter ref="A${headerRow}:${last}"/>
${merges.length ? `<mergeCells count="${merges.length}">${merges.join('')}</mergeCells>` : ''}
<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>
<pageSetup orientation="landscape" paperSize="9" fitToWidth="1" fitToHeight="0"/>
</worksheet>`;
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses the workbook otherwise). */
const sheetName = (name: string) =>
  name
    .replace(/[[\]:*?/\\]/g, ' ')
    .trim()
    .slice(0, 31) || 'Blad';

export function writeXlsx(sheets: Sheet[]): Buffer {
  const names = sheets.map((s) => sheetName(s.name));
  const filters = sheets.map((s, i) => {
    const headerRow = (s.preamble?.length ?? 0) + 1;
    const last = `${columnName(s.columns.length - 1)}${headerRow + s.rows.length}`;
    return `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">'${xml(names[i]!.replace(/'/g, "''"))}'!$A$${headerRow}:$${last.replace(/(\d+)$/, '$$$1')}</definedName>`;
  });
  return zip([
    {
      name: '[Content_Types].xml',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('\n')}
</Types>`,
    },
    {
      name: '_rels/.rels',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets>${names.map((n, i) => `<sheet name="${xml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets>
<definedNames>${filters.join('')}</definedNames>
</workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('\n')}
<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`,
    },
    { name: 'xl/styles.xml', content: STYLES },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, content: sheetXml(s) })),
  ]);
}
