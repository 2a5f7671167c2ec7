/** One problem with an input; `path` is like "sources[0].language" or "" for the body itself. */
export interface FieldError {
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
