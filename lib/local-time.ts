/**
 * Times people read (the status table) are shown in the municipality's own time, labelled with
 * the zone: a UTC time at 03:30 reads as an hour or two off to anyone in the Netherlands.
 */
export const LOCAL_TIME_ZONE = 'Europe/Amsterdam';

// Swedish formatting gives ISO order (2026-12-01 03:30:00) with the zone's own offset applied.
const format = new Intl.DateTimeFormat('sv-SE', {
  timeZone: LOCAL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2026-12-01 03:30:00` in Europe/Amsterdam. */
export function localTime(date: Date): string {
  return format.format(date);
}

/** ISO 8601 in Dutch local time with its offset (2025-03-02T03:30:05+01:00): the night as the team knows it, and unambiguous. */
export function amsterdamTime(date: Date): string {
  const local = format.format(date).replace(' ', 'T');
  const offset = Math.round((Date.parse(`${local}Z`) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
