import { decideRecord, decideRetraction, evolve, type NewEvent, type RecordedEvent, type Submission } from '@newsroom/domain';
import { given, submission, thrown } from './fixtures/decider.fixture';
import { eventId, filed, retraction, status } from './fixtures/stream.fixture';

const CASE = 'case:musk-v-openai';
const MIRA = 'person:mira-murati';
const statusChange = (s: string) => submission({ data: { status: s } });
const statusOf = (e: NewEvent) => (e.type === 'lawsuit.status_changed' ? e.data.status : undefined);

describe('decideRecord', () => {
  it('given an empty stream, when a departure is recorded, then the new event carries the submission and schema version', () => {
    const input = submission({ modality: 'confirmed' }, 'executive.departed');
    expect(decideRecord(given(MIRA), input)).toEqual({
      type: 'executive.departed',
      subject: MIRA,
      occurredAt: input.occurredAt,
      data: input.data,
      sources: input.sources,
      modality: 'confirmed',
      schemaVersion: 1,
    });
  });

  it('given a departure with no appointment on record, when recorded, then it is accepted (news arrives out of order)', () => {
    expect(decideRecord(given(MIRA), submission({}, 'executive.departed')).type).toBe('executive.departed');
  });

  it('given a stream at version 1, when expectedVersion is 0, then it is a conflict', () => {
    const error = thrown(() => decideRecord(given(CASE, filed()), submission({ expectedVersion: 0 })));
    expect(error).toMatchObject({ code: 'STREAM.VERSION_MISMATCH', kind: 'conflict' });
  });

  it('given a stream at version 1, when expectedVersion is 1, then it is accepted', () => {
    expect(decideRecord(given(CASE, filed()), submission({ expectedVersion: 1 })).type).toBe('lawsuit.status_changed');
  });

  it('given another subject stream, when recording, then it is refused on subject', () => {
    const error = thrown(() => decideRecord(given('case:other'), submission({})));
    expect(error).toMatchObject({ code: 'STREAM.SUBJECT_MISMATCH', kind: 'validation', errors: [{ path: 'subject' }] });
  });

  it('given a correction type smuggled in, when recording, then it is refused', () => {
    const smuggled = { ...submission({}), type: 'event.corrected' } as unknown as Submission;
    expect(thrown(() => decideRecord(given(CASE), smuggled))).toMatchObject({ code: 'EVENT.TYPE_NOT_RECORDABLE', kind: 'validation' });
  });

  describe('lawsuit rules', () => {
    it('given a case with no filing, when a status change is recorded, then CASE.NOT_FILED', () => {
      expect(thrown(() => decideRecord(given(CASE), statusChange('motion_filed')))).toMatchObject({ code: 'CASE.NOT_FILED', kind: 'rule' });
    });

    it('given a filed case, when it is filed again, then CASE.ALREADY_FILED', () => {
      const refiled = submission({}, 'lawsuit.filed');
      expect(thrown(() => decideRecord(given(CASE, filed()), refiled))).toMatchObject({ code: 'CASE.ALREADY_FILED', kind: 'rule' });
    });

    it('given a filed case, when a status change is recorded, then it is accepted', () => {
      expect(decideRecord(given(CASE, filed()), statusChange('injunction_sought')).data).toEqual({ status: 'injunction_sought' });
    });

    it.each(['withdrawn', 'dismissed', 'settled'])(
      'given a %s case, when another step but an appeal follows, then CASE.CLOSED',
      (closed) => {
        const state = given(CASE, filed(), status(closed));
        expect(thrown(() => decideRecord(state, statusChange('amended')))).toMatchObject({ code: 'CASE.CLOSED', kind: 'rule' });
        expect(thrown(() => decideRecord(state, statusChange('dismissed')))).toMatchObject({ code: 'CASE.CLOSED' });
      },
    );

    it.each(['withdrawn', 'dismissed', 'settled'])('given a %s case, when an appeal follows, then it is accepted', (closed) => {
      expect(statusOf(decideRecord(given(CASE, filed(), status(closed)), statusChange('appealed')))).toBe('appealed');
    });

    it('given a dismissed then appealed case, when a further step follows, then the case is open again', () => {
      expect(statusOf(decideRecord(given(CASE, filed(), status('dismissed'), status('appealed')), statusChange('ruled')))).toBe('ruled');
    });

    it('given a ruled case, when another step follows, then it is accepted (ruled does not close)', () => {
      expect(decideRecord(given(CASE, filed(), status('ruled')), statusChange('appealed')).type).toBe('lawsuit.status_changed');
    });

    it('given the dismissal was retracted, when a new step is recorded, then the previous status applies and it is accepted', () => {
      const state = given(CASE, filed(), status('injunction_sought'), status('dismissed'), retraction(3));
      expect(state.lawsuit).toEqual({ filed: true, status: 'injunction_sought' });
      expect(statusOf(decideRecord(state, statusChange('injunction_granted')))).toBe('injunction_granted');
    });

    it('given the filing was retracted, when a status change is recorded, then CASE.NOT_FILED, and a new filing is accepted', () => {
      const state = given(CASE, filed(), retraction(1));
      expect(thrown(() => decideRecord(state, statusChange('amended')))).toMatchObject({ code: 'CASE.NOT_FILED' });
      expect(decideRecord(state, submission({}, 'lawsuit.filed')).type).toBe('lawsuit.filed');
    });

    it('given a dismissal decided and then recorded, when evolved, then a retraction of it is decided against the new state', () => {
      let state = given(CASE, filed());
      const dismissal = decideRecord(state, statusChange('dismissed'));
      const recorded: RecordedEvent = { ...dismissal, eventId: eventId(2), streamVersion: 2 };
      state = evolve(state, recorded);
      expect(state.lawsuit?.status).toBe('dismissed');
      const retract = decideRetraction(state, eventId(2), { reason: 'misreported' });
      state = evolve(state, { ...retract, eventId: eventId(3), streamVersion: 3 });
      expect(state.lawsuit).toEqual({ filed: true, status: null });
    });
  });
});
