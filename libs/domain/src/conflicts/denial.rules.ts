import { parsePeriod } from '../values/period.value';

/**
 * A fact's date as the interval it names, `[from, to)` as ISO instants (a read model row's `valid_from`/`valid_to`);
 * both null when undated.
 */
export interface ValidTime {
  from: string | null;
  to: string | null;
}

/** The interval of an `occurredAt` as recorded (null or unreadable: undated). */
export function validTimeOf(occurredAt: string | null | undefined): ValidTime {
  const p = occurredAt ? parsePeriod(occurredAt) : null;
  return p ? { from: p.start, to: p.end } : { from: null, to: null };
}

/*
 * A denied departure (modality `denied`) says the person had not left the role by its date: by the end of the day,
 * month or year it names. Its date is compared with the date of each departure of the same claim (person,
 * organization, role), in valid time: the date each says the departure happened. Not the dates the stories were
 * published or recorded: those are optional, of any precision, and a desk records an old story and its denial in
 * either order, where valid time is on every row of every read model, the same in a live fold, a rebuild and at any
 * `knownAt`. Undated on either side, the dates cannot place the denial before the other report: it answers it.
 */

/**
 * Whether a denial answers a rumoured departure, setting it aside (off the roster's ends and the departures counts):
 * unless the rumour is dated wholly after the denial (its date begins when the denial's has ended), when it is news
 * the denial did not speak to. A denial of 2025-03 answers a rumour of 2025-03, of 2025-02-10, and of "2025" (a year
 * holding it); a rumour of 2025-09 is live again.
 */
export function denialAnswersRumour(denial: ValidTime, rumour: ValidTime): boolean {
  return denial.to === null || rumour.from === null || Date.parse(rumour.from) < Date.parse(denial.to);
}

/**
 * Whether a denial contradicts a reported or confirmed departure (a conflict): when the departure had surely
 * happened by the end of the denial's date (the report's date ends no later than the denial's), so both cannot be
 * true. A denial dated before the report's date, or within a coarser one that runs past it ("2025" and a denial of
 * 2025-03), is not contradicted: the person may have left after it.
 */
export function denialContradictsReport(denial: ValidTime, report: ValidTime): boolean {
  return denial.to === null || report.to === null || Date.parse(report.to) <= Date.parse(denial.to);
}
