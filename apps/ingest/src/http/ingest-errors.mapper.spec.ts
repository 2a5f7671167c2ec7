import { EventStoreTimeoutError, EventStoreUnavailableError } from '@newsroom/event-store';
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
