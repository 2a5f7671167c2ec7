import {
  lockCheckpointsSql,
  lockMissingCheckpointsSql,
  lostCheckpointsIntentSql,
  saveCheckpointsSql,
} from '../src/projection-checkpoints.repository';

// The checkpoint statements share a query string with BEGIN and COMMIT, so they carry literals, never parameters:
// only plain names and integers get in.
describe('checkpoint statements written with literals', () => {
  const moved = (offset: string) => new Map([['feed', { position: 42n, offset }]]);

  it('given plain names and integers, then they are written as literals', () => {
    expect(lockCheckpointsSql('newsroom.events', 3)).toContain(`topic = 'newsroom.events' AND partition = 3 FOR UPDATE`);
    expect(saveCheckpointsSql('newsroom.events', 3, moved('17'))).toContain(`unnest(ARRAY['feed']::text[], ARRAY[42]::bigint[]`);
    expect(lockMissingCheckpointsSql('newsroom.events', 3)).toContain(`hashtext('newsroom.events' || ':' || 3)`);
    expect(lostCheckpointsIntentSql(['departures', 'feed'])).toContain(`unnest(ARRAY['departures', 'feed']::text[])`);
  });

  it('given nothing moved, then there is no statement', () => {
    expect(saveCheckpointsSql('t', 0, new Map())).toBeNull();
  });

  it.each([
    ['a quote in the topic', () => lockCheckpointsSql(`t'; DROP TABLE x; --`, 0)],
    ['a partition that is not an integer', () => lockCheckpointsSql('t', 1.5)],
    ['a quote in the topic of the partition lock', () => lockMissingCheckpointsSql(`t' || pg_sleep(1) || '`, 0)],
    ['an offset that is not an integer', () => saveCheckpointsSql('t', 0, moved('1 OR 1=1'))],
    ['a quote in a lost projection', () => lostCheckpointsIntentSql([`x'); DELETE FROM y; --`])],
  ])('given %s, then it is refused', (_what, write) => {
    expect(write).toThrow(/refusing/);
  });
});
