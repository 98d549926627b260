import type { OverlegSections } from './sections.ts';

/** A column of a section, the same in the workbook and on the page. */
export interface Column<R> {
  header: string;
  value: (row: R) => string | number | null;
  /** id: digits that must stay text (BAG ids); date: an ISO date shown as dd-mm-jjjj. */
  kind?: 'text' | 'id' | 'date' | 'number';
}

export interface Section<R = never> {
  /** Sheet name (at most 31 characters) and heading. */
  title: string;
  intro: string;
  columns: Column<R>[];
  rows: R[];
}

const dash = (s: string | null) => (s === null ? null : s.replace(/_/g, ' '));

/** The sections in the order the meeting goes through them, with Dutch headers. */
export function layout(s: OverlegSections): Section<any>[] {
  const since = s.period.afterPrevious ? `sinds het vorige overleg (na ${dmy(s.period.since)})` : `sinds ${dmy(addDay(s.period.since))}`;
  const sections: Section<any>[] = [
    {
      title: 'Nieuwe signalen',
      intro: `Signalen die de regels ${since} voor het eerst gaven, tot en met ${dmy(s.period.until)}.`,
      rows: s.newSignals,
      columns: [
        { header: 'Regel', value: (r: OverlegSections['newSignals'][number]) => r.rule_code },
        { header: 'Ernst', value: (r) => r.severity },
        { header: 'Verblijfsobject', value: (r) => r.verblijfsobject_id, kind: 'id' },
        { header: 'Adres', value: (r) => r.adres },
        { header: 'Postcode', value: (r) => r.postcode },
        { header: 'Woonplaats', value: (r) => r.woonplaats },
        { header: 'Uitleg', value: (r) => r.explanation },
        { header: 'Eerst gezien', value: (r) => r.first_seen, kind: 'date' },
        { header: 'Nog open', value: (r) => (r.status === 'open' ? 'ja' : 'nee') },
        { header: 'Oordeel', value: (r) => dash(r.triage_status) ?? 'nog niet beoordeeld' },
      ],
    } satisfies Section<OverlegSections['newSignals'][number]>,
    {
      title: 'Nieuwe meldingen',
      intro: `Meldingen van het meldpunt ontvangen ${since}. De omschrijving van de melder staat hier niet in.`,
      rows: s.newMeldingen,
      columns: [
        { header: 'Melding', value: (r: OverlegSections['newMeldingen'][number]) => r.melding_id },
        { header: 'Ontvangen', value: (r) => r.datum_ontvangen, kind: 'date' },
        { header: 'Kanaal', value: (r) => r.kanaal },
        { header: 'Afdeling of partner', value: (r) => r.melder_referentie },
        { header: 'Categorie', value: (r) => r.categorie },
        { header: 'Verblijfsobject', value: (r) => r.verblijfsobject_id, kind: 'id' },
        { header: 'Adres', value: (r) => r.adres },
        { header: 'Postcode', value: (r) => r.postcode },
        { header: 'Adres in de BAG', value: (r) => (r.in_bag ? 'ja' : 'nee (ADRES_ONBEKEND)') },
        { header: 'Terugkoppeling', value: (r) => dash(r.terugkoppeling) },
      ],
    } satisfies Section<OverlegSections['newMeldingen'][number]>,
    {
      title: 'Lopende signalen',
      intro: 'Signalen die in onderzoek zijn: hoe lang ze al lopen en wie ze het laatst beoordeelde.',
      rows: s.running,
      columns: [
        { header: 'Regel', value: (r: OverlegSections['running'][number]) => r.rule_code },
        { header: 'Ernst', value: (r) => r.severity },
        { header: 'Verblijfsobject', value: (r) => r.verblijfsobject_id, kind: 'id' },
        { header: 'Adres', value: (r) => r.adres },
        { header: 'Postcode', value: (r) => r.postcode },
        { header: 'Uitleg', value: (r) => r.explanation },
        { header: 'Loopt (dagen)', value: (r) => r.age_days, kind: 'number' },
        { header: 'In onderzoek sinds', value: (r) => r.triage_at, kind: 'date' },
        { header: 'Laatst beoordeeld door', value: (r) => r.triage_by },
      ],
    } satisfies Section<OverlegSections['running'][number]>,
    {
      title: 'Beoordeeld',
      intro: `Signalen die ${since} zijn beoordeeld, met het laatste oordeel.`,
      rows: s.judged,
      columns: [
        { header: 'Regel', value: (r: OverlegSections['judged'][number]) => r.rule_code },
        { header: 'Verblijfsobject', value: (r) => r.verblijfsobject_id, kind: 'id' },
        { header: 'Adres', value: (r) => r.adres },
        { header: 'Postcode', value: (r) => r.postcode },
        { header: 'Oordeel', value: (r) => dash(r.outcome) },
        { header: 'Beoordeeld op', value: (r) => r.judged_on, kind: 'date' },
        { header: 'Door', value: (r) => r.judged_by },
        { header: 'Signaal nog open', value: (r) => (r.signal_status === 'open' ? 'ja' : 'nee') },
      ],
    } satisfies Section<OverlegSections['judged'][number]>,
    {
      title: 'Terugkoppeling open',
      intro: 'Meldingen waarvan de melder na de termijn nog geen terugkoppeling kreeg (anonieme meldingen niet: daar is geen melder).',
      rows: s.feedbackOwed,
      columns: [
        { header: 'Melding', value: (r: OverlegSections['feedbackOwed'][number]) => r.melding_id },
        { header: 'Ontvangen', value: (r) => r.datum_ontvangen, kind: 'date' },
        { header: 'Dagen', value: (r) => r.dagen, kind: 'number' },
        { header: 'Kanaal', value: (r) => r.kanaal },
        { header: 'Afdeling of partner', value: (r) => r.melder_referentie },
        { header: 'Categorie', value: (r) => r.categorie },
        { header: 'Verblijfsobject', value: (r) => r.verblijfsobject_id, kind: 'id' },
        { header: 'Adres', value: (r) => r.adres },
        { header: 'Stand', value: (r) => dash(r.terugkoppeling) },
      ],
    } satisfies Section<OverlegSections['feedbackOwed'][number]>,
    {
      title: 'Dossiers',
      intro: 'Per adres uit de onderdelen hierboven: open signalen, meldingen, vergunningen en Damocles-zaken.',
      rows: s.dossiers,
      columns: [
        { header: 'Verblijfsobject', value: (r: OverlegSections['dossiers'][number]) => r.verblijfsobject_id, kind: 'id' },
        { header: 'Adres', value: (r) => r.adres },
        { header: 'Postcode', value: (r) => r.postcode },
        { header: 'Soort', value: (r) => ({ regel: 'Signaal', melding: 'Melding', vergunning: 'Vergunning', damocles: 'Damocles' })[r.soort] },
        { header: 'Kenmerk', value: (r) => r.kenmerk },
        { header: 'Omschrijving', value: (r) => r.omschrijving },
        { header: 'Datum', value: (r) => r.datum, kind: 'date' },
      ],
    } satisfies Section<OverlegSections['dossiers'][number]>,
  ];
  return sections;
}

export const dmy = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
const addDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
