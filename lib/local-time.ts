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
