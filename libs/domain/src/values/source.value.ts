import { z } from 'zod';
import { languageSchema } from './language.value';
import { periodSchema } from './period.value';
import { LIMITS, REFUSED_IN_TEXT, boundedArray, nameSchema, oneLineRefusal, textSchema, titleSchema } from './text.value';

/**
 * The URLs the service takes, as a JSON Schema pattern: zod trims blanks around the URL, then requires `http://` or
 * `https://` in any case (`javascript:alert(1)` is refused). No `format: "uri"`: RFC 3986 refuses what the service
 * stores, `https://exemple.fr/été` and unencoded spaces among them, so a validator honouring it would refuse them.
 */
export const HTTP_URL_SHAPE = `^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^${REFUSED_IN_TEXT}\\n]*\\s*$`;

/**
 * Control characters, line breaks and bidi controls are refused as in any one-line text: the WHATWG parser would
 * percent-encode some, but the URL is stored as sent, and a feed, a CSV or a terminal would then carry them raw
 * (`https://e.org/\u001b[31m`, `https://evil.com/\u202e`). Blanks around the URL are still taken (and trimmed).
 */
const URL_TEXT = new RegExp(HTTP_URL_SHAPE, 'u');

// The text is checked as sent, before the URL parser: WHATWG's drops every TAB, CR and LF inside a URL, so
// `https://ex\r\nample.org/pa\tth` was taken and stored as `https://example.org/path`, another host.
export const urlSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a string') })
  .max(LIMITS.url, `must be at most ${LIMITS.url} characters`)
  .regex(URL_TEXT, {
    error: (iss) => (typeof iss.input === 'string' && oneLineRefusal(iss.input.trim())) || 'must be an http or https URL',
  })
  // The bound on both sides: the request schemas show the input's, the answers' schemas the output's.
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(LIMITS.url, `must be at most ${LIMITS.url} characters`))
  .meta({
    format: undefined,
    pattern: HTTP_URL_SHAPE,
    description: 'An absolute http or https URL (the service parses it as a WHATWG URL; non-ASCII characters are taken)',
  });

/** Where a fact comes from: the outlet and, when known, the article and the quote that backs it. */
export const sourceSchema = z.strictObject(
  {
    outlet: nameSchema,
    url: urlSchema.optional(),
    title: titleSchema.optional(),
    language: languageSchema,
    publishedAt: periodSchema.optional(),
    quote: textSchema.optional(),
    /** A syndicated copy: the outlet whose story this reprints (it counts once, as that outlet). */
    via: nameSchema.optional(),
  },
  { error: 'must be a source object' },
);

export type Source = z.infer<typeof sourceSchema>;

export const sourcesSchema = boundedArray(sourceSchema, 1);
