import { FieldError, Validation } from '@newsroom/domain';

/**
 * A body's validation with its numbers that JSON.parse read as another value refused too (`4.0000000000000001` read
 * as 4: the HTTP body parser's `inexactNumbers`, a Kafka message's), after today's own errors. So such a body is
 * refused as any invalid one is, with what follows a refusal: a batch item alone, and the retry of an event or
 * amendment an earlier release recorded (which hashed the number it read) answered as its duplicate.
 */
export function refusingInexactNumbers<T>(valid: Validation<T>, inexact: readonly FieldError[] | undefined): Validation<T> {
  if (!inexact?.length) return valid;
  return { ok: false, errors: valid.ok ? [...inexact] : [...valid.errors, ...inexact] };
}

const ITEM_PATH = /^events\[(\d+)\](?:\.(.*))?$/;

/**
 * A batch's inexact numbers, each item's under its index with its path in the item (`events[2].data.total` is item
 * 2's `data.total`, as its validation names it); `outside`: those of no item.
 */
export function inexactNumbersByItem(inexact: readonly FieldError[] | undefined) {
  const items = new Map<number, FieldError[]>();
  const outside: FieldError[] = [];
  for (const error of inexact ?? []) {
    const m = ITEM_PATH.exec(error.path);
    if (!m) {
      outside.push(error);
      continue;
    }
    const index = Number(m[1]);
    items.set(index, [...(items.get(index) ?? []), { path: m[2] ?? '', message: error.message }]);
  }
  return { items, outside };
}
