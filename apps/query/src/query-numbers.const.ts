/**
 * The numbers a query string carries (a global position, a page size, a count of outlets), for the feed and the
 * reports alike: each with its check and the pattern the documents declare, built from the same bounds, so a
 * validating client refuses exactly what the service would (`feed-query.spec.ts` and `report-params.schema.spec.ts`
 * hold each pattern to its parser value by value).
 */

/** Global positions are Postgres bigints: anything longer would fail in SQL instead of here. */
export const MAX_POSITION = 9223372036854775807n;

/** A position's text: 1 to 19 decimal digits (leading zeros included), not above Postgres' bigint. */
export const isPosition = (v: string): boolean => /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_POSITION;

/**
 * A regular expression source for the strings of `max.length` decimal digits (leading zeros included) that are not
 * above `max`: for each digit of `max`, its digits before, a smaller one there, then any digits; or `max` itself.
 */
function sameLengthNotAbove(max: string): string {
  const below = [...max].flatMap((d, i) => {
    const rest = max.length - i - 1;
    if (d === '0') return [];
    return [`${max.slice(0, i)}[0-${Number(d) - 1}]${rest ? `[0-9]{${rest}}` : ''}`];
  });
  return [...below, max].join('|');
}

/** The text of a position in a query string, exactly as isPosition takes it. */
export const POSITION_PATTERN = `^(?:[0-9]{1,${String(MAX_POSITION).length - 1}}|${sameLengthNotAbove(String(MAX_POSITION))})$`;

/** The largest page size (`limit`) and count of outlets (`minOutlets`) a query takes. */
export const MAX_COUNT = 1000;

/** A count's text: 1 to 4 decimal digits (leading zeros included, as `0100`), from 1 to 1000. */
export const isCount = (v: string): boolean => /^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_COUNT;

/** The text of a count in a query string, exactly as isCount takes it. */
export const COUNT_PATTERN = '^(?:0{0,3}[1-9]|0{0,2}[1-9][0-9]|0?[1-9][0-9]{2}|1000)$';

/** What a refused count is told (the feed's `limit`, the reports' `limit` and `minOutlets`). */
export const COUNT_MESSAGE = `must be an integer from 1 to ${MAX_COUNT} (at most four digits)`;
