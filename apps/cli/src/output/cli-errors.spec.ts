import { problemError } from '../api/api-clients.factory';
import { CliConfig } from '../cli.config';
import { CliError, describeError } from './cli.errors';

const config = { key: 'k', keySource: '--key' } as CliConfig;

describe('describeError', () => {
  it("keeps the CLI's own line breaks between message and hint, escapes control characters inside them", () => {
    expect(describeError(new CliError('no such file: a\u001b[2Jb.ndjson', 'give\ra path')).text).toBe(
      'error: no such file: a\\x1b[2Jb.ndjson\n  give\\ra path',
    );
    expect(describeError(new Error('Unexpected token \u001b]0;x\u0007')).text).toBe('error: Unexpected token \\x1b]0;x\\x07');
  });

  it("a service's problem answer: a line break in what it wrote stays escaped on its line, one line per field error", () => {
    const body = {
      code: 'VALIDATION\u001b[31m',
      detail: 'role "Boss\nline2" is too long\u202e',
      errors: [{ path: 'data.role', message: 'too\r\nlong' }],
    };
    const error = problemError(new Response(null, { status: 400 }), body, config);
    expect(describeError(error).text.split('\n')).toEqual([
      'error: 400 VALIDATION\\x1b[31m: role "Boss\\nline2" is too long\\u202e',
      '  data.role: too\\r\\nlong',
    ]);
  });

  it('a field error that repeats the detail adds its path only, not the same sentence twice', () => {
    const detail = 'event 0193b7f0-0000-7000-8000-000000000001 is retracted';
    const body = { code: 'EVENT.RETRACTED', detail, errors: [{ path: 'id', message: detail }] };
    expect(describeError(problemError(new Response(null, { status: 422 }), body, config)).text.split('\n')).toEqual([
      `error: 422 EVENT.RETRACTED: ${detail}`,
      '  (id)',
    ]);
  });

  it('newsroom resolve: a conflict not open with that side, or a side not one of its two, points to the conflicts report', () => {
    const hint = 'newsroom report conflicts --status open lists the open conflicts, each side with its whole event id';
    const notOpen = { code: 'CONFLICT.NOT_FOUND', detail: 'conflict c is not open', errors: [{ path: 'id', message: 'no open conflict' }] };
    expect(problemError(new Response(null, { status: 404 }), notOpen, config).hint).toBe(hint);
    const notASide = {
      code: 'REQUEST.INVALID',
      errors: [{ path: 'standingEventId', message: "must be one of the conflict's facts: a, b" }],
    };
    expect(problemError(new Response(null, { status: 400 }), notASide, config).hint).toBe(hint);
    const unknown = { code: 'EVENT.NOT_FOUND', errors: [{ path: 'standingEventId', message: 'no event has this id' }] };
    expect(problemError(new Response(null, { status: 404 }), unknown, config).hint).toBe(hint);
    // Elsewhere an unknown event keeps its own hint.
    expect(problemError(new Response(null, { status: 404 }), { code: 'EVENT.NOT_FOUND' }, config).hint).toMatch(/^check the event id/);
  });
});
