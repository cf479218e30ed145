/** How the dashboard shows times and bodies: ISO instants on the mock's clock, countdowns, pretty JSON. */

/** An instant in ISO 8601, as the mock's clock reads it. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What is left until `until` (ISO) at `now` (epoch ms): `4:59:59`, `2d 3:00:00`, or `expired`. */
export function countdown(until: string, now: number): string {
  const left = Math.floor((Date.parse(until) - now) / 1000);
  if (left <= 0) return 'expired';
  const days = Math.floor(left / 86_400);
  const clock = `${Math.floor((left % 86_400) / 3600)}:${String(Math.floor((left % 3600) / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** A body as readable text: pretty JSON when it parses, the text itself otherwise. */
export function pretty(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '(none)';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
