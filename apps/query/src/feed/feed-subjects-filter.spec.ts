import { evolveFeed, type ProjectedEvent } from '@newsroom/projections';
import { compileFilter, parseFeedQuery, scopeFeedFilter, type MatchableItem } from './feed-query.reader';

let position = 0;
/** The item the projector stores for an event: its subjects and organizations are made by the projection code. */
const itemOf = (type: string, subject: string, data: object): MatchableItem => {
  position++;
  const event = {
    id: `e-${position}`,
    type,
    subject,
    occurredAt: null,
    data,
    sources: [],
    modality: 'reported',
  } as unknown as ProjectedEvent;
  const [insert] = evolveFeed({ ...event, globalPosition: String(position), recordedAt: new Date(0).toISOString(), metadata: {} });
  if (insert.kind !== 'insert') throw new Error('no item');
  return { ...insert.item, targetType: null };
};

const alone = { membersOf: (s: string) => [s] };
const live = (raw: Record<string, unknown>, graph: { membersOf(s: string): string[] } = alone) =>
  compileFilter(scopeFeedFilter(parseFeedQuery(raw), graph));

const intervention = itemOf('regulatory.intervention_requested', 'org:beta', { by: 'org:acme', authority: 'authority:ftc' });
const target = itemOf('revenue.target_set', 'org:acme', { setBy: 'person:pat' });
const departure = itemOf('executive.departed', 'person:pat', { organization: 'org:acme', destination: 'org:gamma' });
const appointment = itemOf('executive.appointed', 'person:x', { organization: 'org:acme' });
const suit = itemOf('lawsuit.filed', 'case:acme-v-beta', { plaintiffs: ['org:acme'], defendants: ['org:beta'] });

describe('live feed filters reach a fact through every entity it names', () => {
  it('given subjects=authority:ftc, then the intervention it was asked for matches', () => {
    expect([intervention, target, departure].filter(live({ subjects: 'authority:ftc' }))).toEqual([intervention]);
  });

  it("given subjects=person:pat, then the target Pat set matches as well as Pat's own departure", () => {
    expect([intervention, target, departure, appointment].filter(live({ subjects: 'person:pat' }))).toEqual([target, departure]);
  });

  it("given organization= or subjects= on a departure's destination, then the departure matches", () => {
    expect([intervention, target, departure].filter(live({ organization: 'org:gamma' }))).toEqual([departure]);
    expect([intervention, target, departure].filter(live({ subjects: 'org:gamma' }))).toEqual([departure]);
  });

  it('given subjects=org:acme, then an appointment at Acme and the suit Acme filed match, as organization=org:acme does', () => {
    const all = [intervention, target, departure, appointment, suit];
    expect(all.filter(live({ subjects: 'org:acme' }))).toEqual(all);
    expect(all.filter(live({ organization: 'org:acme' }))).toEqual(all);
    expect(all.filter(live({ subjects: 'org:beta' }))).toEqual([intervention, suit]);
  });

  it('given a merge, then a subject filter takes the whole entity: a fact naming the merged subject in any role', () => {
    const graph = {
      membersOf: (s: string) => (s === 'authority:ftc' || s === 'authority:us-ftc' ? ['authority:ftc', 'authority:us-ftc'] : [s]),
    };
    const other = itemOf('regulatory.intervention_requested', 'org:gamma', { by: 'org:acme', authority: 'authority:us-ftc' });
    expect([intervention, other, target].filter(live({ subjects: 'authority:us-ftc' }, graph))).toEqual([intervention, other]);
  });
});
