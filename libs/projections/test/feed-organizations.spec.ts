import { organizationsOf } from '@newsroom/projections';
import { event } from './support/events.builder';

describe('the organizations a feed item is filtered by', () => {
  it('given a correction that moves its fact to another organization, then its item reaches both organizations', () => {
    const fix = event('event.corrected', 'person:jane', null, {
      targetEventId: '00000000-0000-4000-8000-000000000001',
      changes: { data: { organization: 'org:acme' } },
      reason: 'wrong org',
    });
    expect(organizationsOf(fix, { organizations: ['org:beta'] }).sort()).toEqual(['org:acme', 'org:beta']);
  });

  it("given a correction of a case's parties, then the new parties' organizations are named too", () => {
    const fix = event('event.corrected', 'case:x', null, {
      targetEventId: '00000000-0000-4000-8000-000000000002',
      changes: { data: { defendants: ['org:gamma', 'person:p'] } },
      reason: 'the defendant',
    });
    expect(organizationsOf(fix, { organizations: ['org:beta'] }).sort()).toEqual(['org:beta', 'org:gamma']);
  });
});
