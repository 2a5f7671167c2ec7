import { comparableText } from '../values/localized-text.rules';
import type { ValidTime } from './denial.rules';

/*
 * Two departures of one person from one role (or a departure and a denial) that disagree on their dates are a
 * conflict when they can only speak of one departure. A re-appointment to that role dated between them makes them
 * two: left in 2023, re-appointed in 2024, left again in 2025. "Between" is read as the roster pairs tenures (README,
 * the leadership report): a departure is placed at the end of its date, an appointment at its start, and a departure
 * ending as an appointment begins comes first. So a re-appointment lies between two departures when it begins at or
 * after the earlier one's date has ended and before the later one's has: "2024" (from 2024-01-01) lies between
 * departures of 2023 and 2025-03, and between 2023 and 2024-11 (the roster shows two tenures there too); 2024-03
 * does not lie after a departure dated "2024", which may be December. Undated on any side, nothing places it.
 */

/** The claim key of a departure of `subject` from `roleKey` at `organization` (`claimsOf`'s, an appointment's too). */
export function departureKeyOf(subject: string, organization: string, roleKey: string): string {
  return `departure|${subject}|${organization}|${roleKey}`;
}

/**
 * The departure claim key an appointment speaks to (the same person, organization and role, the role folded as a
 * departure's is), or null when it cannot re-open a role: not an appointment, no role, or a rumour or a denial (a
 * rumoured re-appointment does not make two departures both true; a denied one did not happen).
 */
export function reappointmentKeyOf(f: { type: string; subject: string; data: unknown; modality?: string }): string | null {
  if (f.type !== 'executive.appointed') return null;
  if (f.modality === 'rumored' || f.modality === 'denied') return null;
  const d = (f.data ?? {}) as { organization?: unknown; role?: unknown };
  const role = comparableText(d.role);
  if (!role || typeof d.organization !== 'string') return null;
  return departureKeyOf(f.subject, d.organization, role);
}

/**
 * The departure claim key a rumoured appointment would speak to once the stories attached to it confirm it
 * (`rumourConfirmed`: it then counts as a reported one), or null when it is no rumoured appointment with a role.
 */
export function rumouredReappointmentKeyOf(f: { type: string; subject: string; data: unknown; modality?: string }): string | null {
  return f.modality === 'rumored' ? reappointmentKeyOf({ ...f, modality: 'reported' }) : null;
}

/**
 * Whether an appointment dated `appointment` lies between the departures (or the departure and the denial) dated
 * `x` and `y`, in either order: it begins at or after the end of the earlier one's date (the one that ends first)
 * and before the end of the later one's.
 */
export function appointedBetween(x: ValidTime, y: ValidTime, appointment: ValidTime): boolean {
  if (x.to === null || y.to === null || appointment.from === null) return false;
  const [earlierEnd, laterEnd] = [Date.parse(x.to), Date.parse(y.to)].sort((p, q) => p - q);
  const start = Date.parse(appointment.from);
  return earlierEnd <= start && start < laterEnd;
}

/** Whether any of the appointments lies between the two departures (`appointedBetween`): they are then two. */
export function reappointedBetween(x: ValidTime, y: ValidTime, appointments: Iterable<ValidTime>): boolean {
  for (const a of appointments) if (appointedBetween(x, y, a)) return true;
  return false;
}
