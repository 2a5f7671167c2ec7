import { z } from 'zod';

/** A z.enum whose messages list the allowed values (the default message does not say "required"). */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => (iss.input === undefined ? 'required' : `must be one of ${values.join(', ')}`),
  });
}
