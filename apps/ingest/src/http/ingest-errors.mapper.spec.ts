import { EventStoreTimeoutError, EventStoreUnavailableError, translateStoreError } from '@newsroom/event-store';
import { mapIngestError } from './ingest-errors.mapper';

describe('mapIngestError: a store that cannot be reached, for a write and for a read', () => {
  const down = new EventStoreUnavailableError(new Error('connect ECONNREFUSED'), { nothingRecorded: true });

  it('given a write, then the 503 says nothing was recorded and carries recorded: false', () => {
    const problem = mapIngestError(down, { method: 'POST' });
    expect(problem?.status).toBe(503);
    expect(JSON.stringify(problem?.toBody())).toMatch(/nothing was recorded/);
    expect(JSON.stringify(problem?.toBody())).toMatch(/"recorded":false/);
  });

  it.each([
    ['unreachable', down, 'SERVICE.UNAVAILABLE', /cannot be reached right now; this read can be retried/],
    ['slow', new EventStoreTimeoutError(new Error('timeout'), true), 'STORE.TIMEOUT', /did not answer in time; this read can be retried/],
  ])('given a read and a store %s, then the 503 speaks of a read, not of recording', (_what, error, code, detail) => {
    for (const method of ['GET', 'HEAD']) {
      const body = JSON.stringify(mapIngestError(error, { method })?.toBody());
      expect(body).toContain(`"code":"${code}"`);
      expect(body).toMatch(detail);
      expect(body).not.toMatch(/recorded/);
    }
  });
});

describe('mapIngestError: no connection of the pool was free', () => {
  // pg-pool's own error when every connection stayed in use for connectionTimeoutMillis.
  const busy = translateStoreError(new Error('timeout exceeded when trying to connect'));

  it.each(['POST', 'GET'])('given a %s, then the 503 says the pool was busy and to retry after Retry-After', (method) => {
    const problem = mapIngestError(busy, { method });
    expect(problem?.status).toBe(503);
    expect(problem?.headers['Retry-After']).toBe('2');
    expect(problem?.toBody().detail).toMatch(/^Every connection this instance holds to the event store \(DATABASE_POOL_MAX\) was busy/);
    expect(problem?.toBody().detail).toMatch(/send it again after Retry-After seconds/);
  });

  it('given Postgres out of connection slots (53300), then the detail says the server has none free', () => {
    const problem = mapIngestError(translateStoreError(Object.assign(new Error('sorry, too many clients already'), { code: '53300' })), {
      method: 'POST',
    });
    expect(problem?.toBody().detail).toMatch(/server has no connection slot free/);
  });
});
