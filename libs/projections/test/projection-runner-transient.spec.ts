import { isTransientStoreError, translateStoreError } from '@newsroom/event-store';

// The projector retries a batch whole on these (never dead-letters an event for them): with statement and lock
// timeouts on its pool, a slow moment must not turn good events into dead letters.
describe('what the projector retries instead of dead-lettering', () => {
  const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    ['statement_timeout', pg('57014', 'canceling statement due to statement timeout')],
    ['lock_timeout', pg('55P03', 'canceling statement due to lock timeout')],
    ['admin shutdown', pg('57P01')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a deadlock', pg('40P01')],
  ])('given %s, then the batch is retried', (_what, error) => {
    expect(isTransientStoreError(translateStoreError(error))).toBe(true);
  });

  it('given a data error, then it is not transient (the event alone is retried, then dead-lettered)', () => {
    expect(isTransientStoreError(translateStoreError(pg('22P02', 'invalid input syntax')))).toBe(false);
  });
});
