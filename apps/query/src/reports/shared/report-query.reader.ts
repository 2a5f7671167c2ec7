import { EVENT_TYPES, isStorableText, MODALITIES, parsePeriod, parseSubject, SubjectKind } from '@newsroom/domain';
import { FieldProblem, problems } from '@newsroom/platform';

/** Parameters every report takes besides its own. */
export const COMMON_PARAMS = ['format', 'knownAt', 'asOf', 'modality'] as const;
const PAGE_PARAMS = ['limit', 'cursor'];

/**
 * Reads a report's query parameters, collecting every problem with its parameter as the path, then throws one
 * 400 problem listing them all. Unknown parameters are refused so a typo ("organisation") is not silently ignored.
 */
export class ReportQueryReader {
  private readonly errors: FieldProblem[] = [];

  constructor(
    private readonly raw: Record<string, unknown>,
    own: readonly string[],
    paged = false,
  ) {
    const allowed = new Set<string>([...COMMON_PARAMS, ...own, ...(paged ? PAGE_PARAMS : [])]);
    for (const key of Object.keys(raw)) if (!allowed.has(key)) this.fail(key, `unknown parameter (allowed: ${[...allowed].join(', ')})`);
  }

  fail(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  string(name: string): string | null {
    const v = this.raw[name];
    if (v === undefined || v === '') return null;
    if (typeof v !== 'string') {
      this.fail(name, 'must be given once');
      return null;
    }
    // Postgres refuses NUL and lone surrogates in text: a 400 here, never a failing query (a 500).
    if (!isStorableText(v)) {
      this.fail(name, 'must not contain NUL (\\u0000) or unpaired UTF-16 surrogates');
      return null;
    }
    return v;
  }

  subject(name: string, options: { kind?: SubjectKind; required?: boolean } = {}): string | null {
    const v = this.string(name);
    if (v === null) {
      if (options.required) this.fail(name, 'required');
      return null;
    }
    const parsed = parseSubject(v);
    if (!parsed) this.fail(name, 'must be a subject "<kind>:<slug>" such as "org:openai"');
    else if (options.kind && parsed.kind !== options.kind) this.fail(name, `must be a ${options.kind} subject such as "${options.kind}:openai"`);
    return v;
  }

  /** A date or period (no range); stands for its first instant. */
  instant(name: string, edge: 'start' | 'end' = 'start'): string | null {
    const v = this.string(name);
    if (v === null) return null;
    const period = parsePeriod(v);
    if (!period || period.precision === 'range') {
      this.fail(name, 'must be a date or period: YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time');
      return null;
    }
    return edge === 'start' ? period.start : period.end;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T | null = null): T | null {
    const v = this.string(name);
    if (v === null) return fallback;
    if (!(values as readonly string[]).includes(v)) this.fail(name, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  /** A comma-separated list (or the parameter repeated); each value checked against `values` when given. */
  list(name: string, values?: readonly string[]): string[] | null {
    const raw = this.raw[name];
    const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
    const items = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
    if (!items.length) return null;
    if (values) items.forEach((item, i) => !values.includes(item) && this.fail(`${name}[${i}]`, `"${item}" is not one of ${values.join(', ')}`));
    return items;
  }

  modality(): string[] | null {
    return this.list('modality', MODALITIES);
  }

  types(): string[] | null {
    return this.list('types', EVENT_TYPES);
  }

  limit(fallback = 100, max = 1000): number {
    const v = this.string('limit');
    if (v === null) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > max) this.fail('limit', `must be an integer from 1 to ${max}`);
    return n;
  }

  lang(): 'en' | 'fr' {
    return this.oneOf('lang', ['en', 'fr'] as const, 'en') ?? 'en';
  }

  format(accept: string | undefined): 'json' | 'csv' {
    const f = this.oneOf('format', ['json', 'csv'] as const);
    if (f) return f;
    return /\btext\/csv\b/i.test(accept ?? '') && !/\bapplication\/json\b/i.test(accept ?? '') ? 'csv' : 'json';
  }

  /** Throws the collected problems, if any. */
  done(): void {
    if (this.errors.length) throw problems.validation(this.errors, 'The report query is not valid.');
  }
}
