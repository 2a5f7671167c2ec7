import {
  DuplicateEventIdError,
  EventStoreBusyError,
  EventStoreTimeoutError,
  EventStoreUnavailableError,
  isTransientStoreError,
  translateStoreError,
  WrongExpectedVersionError,
} from '@newsroom/event-store';

const pg = (code: string, message = 'x', extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('store errors: transient or about the data, and whether nothing was recorded', () => {
  it.each([
    ['statement_timeout (57014)', pg('57014', 'canceling statement due to statement timeout'), EventStoreTimeoutError, true],
    ['lock_timeout (55P03)', pg('55P03', 'canceling statement due to lock timeout'), EventStoreTimeoutError, true],
    ['the client query timeout', new Error('Query read timeout'), EventStoreTimeoutError, false],
    ['admin shutdown (57P01)', pg('57P01', 'terminating connection due to administrator command'), EventStoreUnavailableError, false],
    ['connection failure (08006)', pg('08006'), EventStoreUnavailableError, false],
    ['a refused connection', pg('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), EventStoreUnavailableError, true],
    ['a full pool', new Error('timeout exceeded when trying to connect'), EventStoreUnavailableError, true],
    ['too many connections (53300)', pg('53300'), EventStoreUnavailableError, true],
    ['a lost connection', new Error('Connection terminated unexpectedly'), EventStoreUnavailableError, false],
    ['a deadlock (40P01)', pg('40P01'), EventStoreUnavailableError, true],
    ['a database not migrated (42P01)', pg('42P01', 'relation "event_store.events" does not exist'), EventStoreUnavailableError, true],
    // A standby or a primary a failover demoted: refused before anything was written.
    ['a read-only server (25006)', pg('25006', 'cannot execute INSERT in a read-only transaction'), EventStoreUnavailableError, true],
    // A database an operator set to ALLOW_CONNECTIONS false (or being dropped), or whose CONNECT privilege was revoked.
    [
      'a database not accepting connections (55000)',
      pg('55000', 'database "newsroom" is not currently accepting connections'),
      EventStoreUnavailableError,
      true,
    ],
    ['CONNECT revoked (42501)', pg('42501', 'permission denied for database newsroom'), EventStoreUnavailableError, true],
    ['a table privilege revoked (42501)', pg('42501', 'permission denied for table events'), EventStoreUnavailableError, true],
  ])('given %s, then it is transient and says whether nothing was recorded', (_what, error, type, nothingRecorded) => {
    const translated = translateStoreError(error);
    expect(translated).toBeInstanceOf(type);
    expect(isTransientStoreError(translated)).toBe(true);
    expect((translated as EventStoreUnavailableError).nothingRecorded).toBe(nothingRecorded);
    expect((translated as EventStoreUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['NUL in jsonb (22P05)', pg('22P05', 'unsupported Unicode escape sequence')],
    ['bad JSON (22P02)', pg('22P02', 'invalid input syntax for type json')],
    ['a trigger raising (P0001)', pg('P0001', 'refused')],
    ['a check violation (23514)', pg('23514')],
    // The same code about a statement, not the connection.
    ['currval before nextval (55000)', pg('55000', 'currval of sequence "s" is not yet defined in this session')],
  ])('given %s, then it is about the data: not transient, kept as is', (_what, error) => {
    const translated = translateStoreError(error);
    expect(translated).toBe(error);
    expect(isTransientStoreError(translated)).toBe(false);
  });

  it('given unique violations, then they become the duplicate-id and version errors', () => {
    expect(
      translateStoreError(pg('23505', 'dup', { constraint: 'events_event_id_key', detail: 'Key (event_id)=(abc) already exists.' })),
    ).toBeInstanceOf(DuplicateEventIdError);
    expect(translateStoreError(pg('23505', 'dup', { constraint: 'events_stream_id_stream_version_key' }))).toBeInstanceOf(
      WrongExpectedVersionError,
    );
  });

  it('given a full queue, then the busy error is transient, certain that nothing was recorded, with its Retry-After', () => {
    const busy = new EventStoreBusyError('append', '20 submissions waiting', 3);
    expect(isTransientStoreError(busy)).toBe(true);
    expect(busy).toMatchObject({ nothingRecorded: true, retryAfterSeconds: 3 });
  });
});
