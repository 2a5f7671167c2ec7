import {
  decideCorrection,
  decideRecord,
  decideRetraction,
  decideSourcing,
  evolve,
  type NewEvent,
  type RecordedEvent,
  type Submission,
} from '@newsroom/domain';
import { given, submission, thrown, NOW } from './fixtures/decider.fixture';
import { attached, eventId, filed, retraction, status, type EventSpec } from './fixtures/stream.fixture';
import { envelope } from './fixtures/submissions.fixture';

const CASE = 'case:musk-v-openai';
const MIRA = 'person:mira-murati';
const statusChange = (s: string) => submission({ data: { status: s } });
const statusOf = (e: NewEvent) => (e.type === 'lawsuit.status_changed' ? e.data.status : undefined);

describe('decideRecord', () => {
  it('given an empty stream, when a departure is recorded, then the new event carries the submission and schema version', () => {
    const input = submission({ modality: 'confirmed' }, 'executive.departed');
    expect(decideRecord(given(MIRA), input, NOW)).toEqual({
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
    expect(decideRecord(given(MIRA), submission({}, 'executive.departed'), NOW).type).toBe('executive.departed');
  });

  it('given a stream at version 1, when expectedVersion is 0, then it is a conflict', () => {
    const error = thrown(() => decideRecord(given(CASE, filed()), submission({ expectedVersion: 0 }), NOW));
    expect(error).toMatchObject({ code: 'STREAM.VERSION_MISMATCH', kind: 'conflict' });
  });

  it('given a stream at version 1, when expectedVersion is 1, then it is accepted', () => {
    expect(decideRecord(given(CASE, filed()), submission({ expectedVersion: 1 }), NOW).type).toBe('lawsuit.status_changed');
  });

  it('given another subject stream, when recording, then it is refused on subject', () => {
    const error = thrown(() => decideRecord(given('case:other'), submission({}), NOW));
    expect(error).toMatchObject({ code: 'STREAM.SUBJECT_MISMATCH', kind: 'validation', errors: [{ path: 'subject' }] });
  });

  it('given a correction type smuggled in, when recording, then it is refused', () => {
    const smuggled = { ...submission({}), type: 'event.corrected' } as unknown as Submission;
    expect(thrown(() => decideRecord(given(CASE), smuggled, NOW))).toMatchObject({ code: 'EVENT.TYPE_NOT_RECORDABLE', kind: 'validation' });
  });

  describe('an intervention requested by its own target', () => {
    it('given an organization asking for action against itself, then 400 on data.by; another party is accepted', () => {
      const own = submission(
        { data: { ...envelope('regulatory.intervention_requested').data, by: 'org:openai' } },
        'regulatory.intervention_requested',
      );
      expect(thrown(() => decideRecord(given('org:openai'), own, NOW))).toMatchObject({
        code: 'VALIDATION.FAILED',
        errors: [{ path: 'data.by', message: expect.stringContaining('against itself') }],
      });
      const other = submission({}, 'regulatory.intervention_requested');
      expect(decideRecord(given('org:openai'), other, NOW).type).toBe('regulatory.intervention_requested');
    });
  });

  describe('figures and the date they were reported', () => {
    const figure = (type: Submission['type'], occurredAt: string, data: Record<string, unknown>) => submission({ occurredAt, data }, type);
    const money = { amount: '1000', currency: 'USD' };

    it('given an actual revenue for 2026-Q4 reported in 2024-03, then 400 on data.period; projected, or a period begun, is accepted', () => {
      const org = 'org:openai';
      expect(
        thrown(() => decideRecord(given(org), figure('revenue.reported', '2024-03', { money, period: '2026-Q4', basis: 'actual' }), NOW)),
      ).toMatchObject({
        code: 'VALIDATION.FAILED',
        errors: [{ path: 'data.period' }],
      });
      expect(
        decideRecord(given(org), figure('revenue.reported', '2024-03', { money, period: '2026-Q4', basis: 'projected' }), NOW).type,
      ).toBe('revenue.reported');
      expect(decideRecord(given(org), figure('revenue.reported', '2024-03', { money, period: '2024', basis: 'actual' }), NOW).type).toBe(
        'revenue.reported',
      );
      expect(
        thrown(() =>
          decideRecord(given(org), figure('financial.loss_reported', '2024-03', { money, period: '2025-H1', basis: 'actual' }), NOW),
        ),
      ).toMatchObject({
        errors: [{ path: 'data.period' }],
      });
    });

    it('given a target for 2019 set in 2024-03, then 400 on data.targetPeriod; a target for the current or a later period is accepted', () => {
      const org = 'org:openai';
      expect(
        thrown(() => decideRecord(given(org), figure('revenue.target_set', '2024-03', { money, targetPeriod: '2019' }), NOW)),
      ).toMatchObject({
        errors: [{ path: 'data.targetPeriod' }],
      });
      expect(decideRecord(given(org), figure('revenue.target_set', '2024-03', { money, targetPeriod: '2024' }), NOW).type).toBe(
        'revenue.target_set',
      );
    });
  });

  describe('lawsuit rules', () => {
    it('given a case with no filing, when a status change is recorded, then CASE.NOT_FILED', () => {
      expect(thrown(() => decideRecord(given(CASE), statusChange('motion_filed'), NOW))).toMatchObject({
        code: 'CASE.NOT_FILED',
        kind: 'rule',
      });
    });

    it('given a filed case, when it is filed again, then CASE.ALREADY_FILED', () => {
      const refiled = submission({}, 'lawsuit.filed');
      expect(thrown(() => decideRecord(given(CASE, filed()), refiled, NOW))).toMatchObject({ code: 'CASE.ALREADY_FILED', kind: 'rule' });
    });

    it('given a filed case, when a status change is recorded, then it is accepted', () => {
      expect(decideRecord(given(CASE, filed()), statusChange('injunction_sought'), NOW).data).toEqual({ status: 'injunction_sought' });
    });

    it.each(['withdrawn', 'dismissed', 'settled'])(
      'given a %s case, when another step but an appeal follows, then CASE.CLOSED',
      (closed) => {
        const state = given(CASE, filed(), status(closed));
        expect(thrown(() => decideRecord(state, statusChange('amended'), NOW))).toMatchObject({ code: 'CASE.CLOSED', kind: 'rule' });
        expect(thrown(() => decideRecord(state, statusChange('dismissed'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
      },
    );

    it.each(['withdrawn', 'dismissed', 'settled'])('given a %s case, when an appeal follows, then it is accepted', (closed) => {
      expect(statusOf(decideRecord(given(CASE, filed(), status(closed)), statusChange('appealed'), NOW))).toBe('appealed');
    });

    it('given a dismissed then appealed case, when a further step follows, then the case is open again', () => {
      const state = given(
        CASE,
        filed(),
        ['lawsuit.status_changed', { status: 'dismissed' }, '2024-08-10'],
        ['lawsuit.status_changed', { status: 'appealed' }, '2024-09'],
      );
      expect(statusOf(decideRecord(state, statusChange('ruled'), NOW))).toBe('ruled');
    });

    it('given a ruled case, when another step follows, then it is accepted (ruled does not close)', () => {
      expect(decideRecord(given(CASE, filed(), status('ruled')), statusChange('appealed'), NOW).type).toBe('lawsuit.status_changed');
    });

    it('given the dismissal was retracted, when a new step is recorded, then the previous status applies and it is accepted', () => {
      const state = given(CASE, filed(), status('injunction_sought'), status('dismissed'), retraction(3));
      expect(state.lawsuit).toEqual({ filed: true, status: 'injunction_sought' });
      expect(statusOf(decideRecord(state, statusChange('injunction_granted'), NOW))).toBe('injunction_granted');
    });

    it('given the filing was retracted, when a status change is recorded, then CASE.NOT_FILED, and a new filing is accepted', () => {
      const state = given(CASE, filed(), retraction(1));
      expect(thrown(() => decideRecord(state, statusChange('amended'), NOW))).toMatchObject({ code: 'CASE.NOT_FILED' });
      expect(decideRecord(state, submission({}, 'lawsuit.filed'), NOW).type).toBe('lawsuit.filed');
    });

    describe('in valid time (when each step happened, not when it was recorded)', () => {
      const dated = (s: string, occurredAt: string): EventSpec => ['lawsuit.status_changed', { status: s }, occurredAt];
      const step = (s: string, occurredAt: string, more: Record<string, unknown> = {}) =>
        submission({ data: { status: s }, occurredAt, ...more });
      const filedOn = (occurredAt: string): EventSpec => [filed()[0], filed()[1], occurredAt];

      it('given an appeal of 2025 and then a settlement of 2024-09 reported late, when a motion of 2025-03 follows, then it is accepted (the appeal reopened the case)', () => {
        const state = given(CASE, filedOn('2024-03'), dated('appealed', '2025-01'), dated('settled', '2024-09'));
        expect(state.lawsuit).toEqual({ filed: true, status: 'appealed' });
        expect(statusOf(decideRecord(state, step('motion_filed', '2025-03'), NOW))).toBe('motion_filed');
      });

      it('given a settlement of 2024-09, when a motion dated between it and a later appeal is recorded, then CASE.CLOSED names the settlement', () => {
        const state = given(CASE, filedOn('2024-03'), dated('settled', '2024-09'), dated('appealed', '2025-01'));
        const error = thrown(() => decideRecord(state, step('motion_filed', '2024-11'), NOW));
        expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'data.status' }] });
        expect(error.message).toContain('settled on 2024-09');
      });

      it('given a settlement of 2024-05-20, when another outlet reports the case dismissed (or settled) on a date overlapping it, then it is accepted: a rival account of one outcome, not a step after it', () => {
        const state = given(CASE, filedOn('2024-01-10'), dated('settled', '2024-05-20'));
        expect(statusOf(decideRecord(state, step('dismissed', '2024-05-20'), NOW))).toBe('dismissed');
        expect(statusOf(decideRecord(state, step('withdrawn', '2024-05'), NOW))).toBe('withdrawn');
        expect(statusOf(decideRecord(state, step('settled', '2024'), NOW))).toBe('settled');
        // A later outcome, or a step that is not an outcome, still finds the case closed.
        expect(thrown(() => decideRecord(state, step('dismissed', '2024-06-02'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
        expect(thrown(() => decideRecord(state, step('motion_filed', '2024-05-20'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
        const rival = given(CASE, filedOn('2024-01-10'), dated('settled', '2024-05-20'), dated('dismissed', '2024-05-20'));
        expect(thrown(() => decideRecord(rival, step('amended', '2024-07'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
        expect(statusOf(decideRecord(rival, step('appealed', '2024-07'), NOW))).toBe('appealed');
      });

      it('given a motion of 2025, when a settlement dated before it is reported, then CASE.CLOSED: the motion would follow a closed case', () => {
        const state = given(CASE, filedOn('2024-03'), dated('motion_filed', '2025-02'));
        const error = thrown(() => decideRecord(state, step('settled', '2024-09'), NOW));
        expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'data.status' }] });
        expect(error.message).toContain('motion_filed step on 2025-02');
      });

      it('given an appeal of 2025, when a settlement dated before it is reported, then it is accepted and the case stays appealed', () => {
        const state = given(CASE, filedOn('2024-03'), dated('appealed', '2025-02'));
        expect(statusOf(decideRecord(state, step('settled', '2024-09'), NOW))).toBe('settled');
      });

      it('given a motion of 2024-06-10, when a settlement dated only "2024" is reported, then it is accepted and placed at the year\'s end: the case is settled, and a step of 2025-01 is CASE.CLOSED', () => {
        const state = given(CASE, filedOn('2024-02-01'), dated('motion_filed', '2024-06-10'));
        expect(statusOf(decideRecord(state, step('settled', '2024'), NOW))).toBe('settled');
        const settled = given(CASE, filedOn('2024-02-01'), dated('motion_filed', '2024-06-10'), dated('settled', '2024'));
        expect(settled.lawsuit).toEqual({ filed: true, status: 'settled' });
        expect(thrown(() => decideRecord(settled, step('amended', '2025-01'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
        expect(statusOf(decideRecord(settled, step('appealed', '2025-01'), NOW))).toBe('appealed');
      });

      it('given a settlement of 2024-06 and an appeal dated only "2025", when a motion of 2025-03 is recorded, then it is accepted: the appeal\'s year holds the motion, so it is not after it', () => {
        const state = given(CASE, filedOn('2024'), dated('settled', '2024-06'), dated('appealed', '2025'));
        expect(state.lawsuit).toEqual({ filed: true, status: 'appealed' });
        const motion = decideRecord(state, step('motion_filed', '2025-03'), NOW);
        expect(statusOf(motion)).toBe('motion_filed');
        const recorded: RecordedEvent = { ...motion, eventId: eventId(4), streamVersion: 4 };
        expect(evolve(state, recorded).lawsuit).toEqual({ filed: true, status: 'motion_filed' });
        // A step dated wholly before the filing is still refused, on its date.
        const early = thrown(() => decideRecord(state, step('amended', '2023-12'), NOW));
        expect(early).toMatchObject({ code: 'CASE.STEP_BEFORE_FILING', errors: [{ path: 'occurredAt' }] });
      });

      it('given a settlement of 2024-06, when a motion of 2025-03 comes before any appeal, then CASE.CLOSED: the dates order them strictly', () => {
        const state = given(CASE, filedOn('2024'), dated('settled', '2024-06'));
        const error = thrown(() => decideRecord(state, step('motion_filed', '2025-03'), NOW));
        expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'data.status' }] });
        expect(error.message).toContain('settled on 2024-06');
      });

      it('given an appeal of 2025-03 and then a settlement dated only "2025", then the settlement is after the appeal (recorded later, dates overlapping): the case is settled, and another appeal is accepted', () => {
        const state = given(CASE, filedOn('2024'), dated('appealed', '2025-03'), dated('settled', '2025'));
        expect(state.lawsuit).toEqual({ filed: true, status: 'settled' });
        expect(thrown(() => decideRecord(state, step('amended', '2026-01'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
        expect(statusOf(decideRecord(state, step('appealed', '2026-01'), NOW))).toBe('appealed');
      });

      it('given an appeal of 2025 was retracted, when a motion of 2025-03 follows the settlement of 2024-11, then CASE.CLOSED', () => {
        const state = given(
          CASE,
          filedOn('2024-03-10'),
          dated('settled', '2024-11-15'),
          dated('appealed', '2025-01-20'),
          dated('injunction_sought', '2024-04'),
          retraction(3),
        );
        expect(state.lawsuit).toEqual({ filed: true, status: 'settled' });
        expect(thrown(() => decideRecord(state, step('motion_filed', '2025-03'), NOW))).toMatchObject({ code: 'CASE.CLOSED' });
      });

      it('given a case filed on 2024-05-10, when a step of 2024-04 is recorded, then CASE.STEP_BEFORE_FILING on occurredAt', () => {
        const state = given(CASE, filedOn('2024-05-10'));
        const error = thrown(() => decideRecord(state, step('amended', '2024-04'), NOW));
        expect(error).toMatchObject({ code: 'CASE.STEP_BEFORE_FILING', kind: 'rule', errors: [{ path: 'occurredAt' }] });
        expect(error.message).toContain('filed on 2024-05-10');
      });

      it('given a retracted filing whose steps stand, when the case is filed again after them, then CASE.STEP_BEFORE_FILING names each step by its event id', () => {
        const state = given(CASE, filedOn('2024-03'), dated('amended', '2024-05'), dated('ruled', '2024-09'), retraction(1));
        const error = thrown(() => decideRecord(state, submission({ occurredAt: '2024-10-01' }, 'lawsuit.filed'), NOW));
        expect(error).toMatchObject({ code: 'CASE.STEP_BEFORE_FILING', errors: [{ path: 'occurredAt' }] });
        expect(error.message).toContain(
          `correct or retract them first (event ${eventId(2)} (amended on 2024-05), event ${eventId(3)} (ruled on 2024-09))`,
        );
        expect(error.errors?.[0].message).toBe("is after the case's amended step on 2024-05 and 1 more");
        // Once they are retracted, the filing is accepted; a filing dated before them always was.
        const cleared = given(
          CASE,
          filedOn('2024-03'),
          dated('amended', '2024-05'),
          dated('ruled', '2024-09'),
          retraction(1),
          retraction(2),
          retraction(3),
        );
        expect(decideRecord(cleared, submission({ occurredAt: '2024-10-01' }, 'lawsuit.filed'), NOW).type).toBe('lawsuit.filed');
        expect(decideRecord(state, submission({ occurredAt: '2024-04-01' }, 'lawsuit.filed'), NOW).type).toBe('lawsuit.filed');
      });

      it('given a case filed on 2024-05-10, when a step dated 2024-05 (the month holding the filing) is recorded, then it is accepted', () => {
        expect(statusOf(decideRecord(given(CASE, filedOn('2024-05-10')), step('amended', '2024-05'), NOW))).toBe('amended');
      });

      it('given a settled case, when a denied step or a denial of another settlement is recorded, then it is accepted and changes nothing', () => {
        const state = given(CASE, filedOn('2024-03'), dated('settled', '2024-09'));
        expect(statusOf(decideRecord(state, step('ruled', '2024-10', { modality: 'denied' }), NOW))).toBe('ruled');
        const denied = given(CASE, filedOn('2024-03'), ['lawsuit.status_changed', { status: 'settled' }, '2024-09']);
        const recorded: RecordedEvent = {
          ...decideRecord(denied, step('dismissed', '2024-10', { modality: 'denied' }), NOW),
          eventId: eventId(3),
          streamVersion: 3,
        };
        expect(evolve(denied, recorded).lawsuit).toEqual({ filed: true, status: 'settled' });
        expect(statusOf(decideRecord(evolve(denied, recorded), step('appealed', '2024-11'), NOW))).toBe('appealed');
      });

      describe('a rumoured step (a blog says the case settled): listed, but the case is not in that state until confirmed', () => {
        const rumoured = (s: string, occurredAt: string): EventSpec => ['lawsuit.status_changed', { status: s }, occurredAt, 'rumored'];
        const source = (stance: 'confirms' | 'denies', outlet = 'Court Wire') => ({ source: { outlet, language: 'en' as const }, stance });

        it('given a rumoured settlement, when a reported dismissal follows, then it is accepted: the rumour did not close the case', () => {
          const state = given(CASE, filedOn('2024-03'), rumoured('settled', '2024-09'));
          expect(state.lawsuit).toEqual({ filed: true, status: null });
          expect(statusOf(decideRecord(state, step('dismissed', '2024-10'), NOW))).toBe('dismissed');
          expect(statusOf(decideRecord(state, step('motion_filed', '2024-10'), NOW))).toBe('motion_filed');
        });

        it('given a settled case, when a rumoured step follows, then it is accepted and the case stays settled; a step before the filing is still refused', () => {
          const state = given(CASE, filedOn('2024-03'), dated('settled', '2024-09'));
          expect(statusOf(decideRecord(state, step('ruled', '2024-10', { modality: 'rumored' }), NOW))).toBe('ruled');
          const withRumour = given(CASE, filedOn('2024-03'), dated('settled', '2024-09'), rumoured('ruled', '2024-10'));
          expect(withRumour.lawsuit).toEqual({ filed: true, status: 'settled' });
          expect(thrown(() => decideRecord(state, step('ruled', '2024-01', { modality: 'rumored' }), NOW))).toMatchObject({
            code: 'CASE.STEP_BEFORE_FILING',
          });
        });

        it('given a rumoured settlement a story attached confirms, then the case is settled from then on: a dismissal after it is CASE.CLOSED, an appeal accepted', () => {
          const state = given(CASE, filedOn('2024-03'), rumoured('settled', '2024-09'), attached(2, 'confirms', 'Court Wire'));
          expect(state.lawsuit).toEqual({ filed: true, status: 'settled' });
          const error = thrown(() => decideRecord(state, step('dismissed', '2024-10'), NOW));
          expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'data.status' }] });
          expect(error.message).toContain('settled on 2024-09');
          expect(statusOf(decideRecord(state, step('appealed', '2024-10'), NOW))).toBe('appealed');
        });

        it('given a confirmed rumour, when an outlet denies it (or the confirming outlet takes its word back), then it is a rumour again and the case open', () => {
          const denied = given(
            CASE,
            filedOn('2024-03'),
            rumoured('settled', '2024-09'),
            attached(2, 'confirms', 'Court Wire'),
            attached(2, 'denies', 'Skeptic Post'),
          );
          expect(denied.lawsuit).toEqual({ filed: true, status: null });
          expect(statusOf(decideRecord(denied, step('dismissed', '2024-10'), NOW))).toBe('dismissed');
          const takenBack = given(
            CASE,
            filedOn('2024-03'),
            rumoured('settled', '2024-09'),
            attached(2, 'confirms', 'Court Wire'),
            attached(2, 'denies', 'court  wire'),
          );
          expect(takenBack.lawsuit).toEqual({ filed: true, status: null });
          const again = given(
            CASE,
            filedOn('2024-03'),
            rumoured('settled', '2024-09'),
            attached(2, 'denies', 'Court Wire'),
            attached(2, 'confirms', 'COURT WIRE'),
          );
          expect(again.lawsuit).toEqual({ filed: true, status: 'settled' });
        });

        it('given a rumoured settlement and a dismissal recorded after it, when a story confirming the settlement is attached, then CASE.CLOSED on stance; a denial, or a confirmation that fits, is accepted', () => {
          const state = given(CASE, filedOn('2024-03'), rumoured('settled', '2024-09'), dated('dismissed', '2024-10'));
          const error = thrown(() => decideSourcing(state, eventId(2), source('confirms'), NOW));
          expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'stance' }] });
          expect(error.message).toContain('dismissed step on 2024-10');
          expect(decideSourcing(state, eventId(2), source('denies'), NOW).type).toBe('event.sourced');
          // Another outlet's standing denial keeps it a rumour, so the confirmation changes nothing and is accepted.
          const contested = given(
            CASE,
            filedOn('2024-03'),
            rumoured('settled', '2024-09'),
            attached(2, 'denies', 'Skeptic Post'),
            dated('dismissed', '2024-10'),
          );
          expect(decideSourcing(contested, eventId(2), source('confirms'), NOW).type).toBe('event.sourced');
          const open = given(CASE, filedOn('2024-03'), rumoured('appealed', '2024-09'), dated('dismissed', '2024-08'));
          expect(decideSourcing(open, eventId(2), source('confirms'), NOW).type).toBe('event.sourced');
        });

        it('given a rumoured settlement before a motion, when the rumour is corrected to another date, then it is accepted (it closes nothing); confirmed, it is judged as a step', () => {
          const state = given(CASE, filedOn('2024-03'), rumoured('settled', '2024-09'), dated('motion_filed', '2024-11'));
          expect(decideCorrection(state, eventId(2), { changes: { occurredAt: '2024-10' }, reason: 'misdated' }, NOW).type).toBe(
            'event.corrected',
          );
          const confirmed = given(CASE, filedOn('2024-03'), rumoured('settled', '2024-12'), attached(2), dated('motion_filed', '2024-11'));
          const error = thrown(() =>
            decideCorrection(confirmed, eventId(2), { changes: { occurredAt: '2024-10' }, reason: 'misdated' }, NOW),
          );
          expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'changes.occurredAt' }] });
        });
      });

      it('given a settlement and a later motion, when the settlement is corrected to after the motion, then it is accepted; to a step that is not an appeal before the motion, CASE.CLOSED on changes.data.status', () => {
        const state = given(CASE, filedOn('2024-03'), dated('amended', '2024-06'), dated('motion_filed', '2024-10'));
        expect(decideCorrection(state, eventId(2), { changes: { occurredAt: '2024-11' }, reason: 'misdated' }, NOW).type).toBe(
          'event.corrected',
        );
        const error = thrown(() =>
          decideCorrection(state, eventId(2), { changes: { data: { status: 'settled' } }, reason: 'it settled' }, NOW),
        );
        expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'changes.data.status' }] });
      });

      it('given a motion and a later settlement, when the motion is moved after the settlement, then CASE.CLOSED on changes.occurredAt (the date is what moved)', () => {
        const state = given(CASE, filedOn('2024-01-10'), dated('motion_filed', '2024-04-01'), dated('settled', '2024-05-10'));
        const error = thrown(() => decideCorrection(state, eventId(2), { changes: { occurredAt: '2024-06-01' }, reason: 'misdated' }, NOW));
        expect(error).toMatchObject({ code: 'CASE.CLOSED', errors: [{ path: 'changes.occurredAt' }] });
      });

      it('given a step of 2024-06, when the filing is corrected to 2024-08, then CASE.STEP_BEFORE_FILING on changes.occurredAt', () => {
        const state = given(CASE, filedOn('2024-03'), dated('amended', '2024-06'));
        const error = thrown(() => decideCorrection(state, eventId(1), { changes: { occurredAt: '2024-08' }, reason: 'misdated' }, NOW));
        expect(error).toMatchObject({ code: 'CASE.STEP_BEFORE_FILING', errors: [{ path: 'changes.occurredAt' }] });
        expect(decideCorrection(state, eventId(1), { changes: { occurredAt: '2024-02' }, reason: 'misdated' }, NOW).type).toBe(
          'event.corrected',
        );
      });
    });

    it('given a dismissal decided and then recorded, when evolved, then a retraction of it is decided against the new state', () => {
      let state = given(CASE, filed());
      const dismissal = decideRecord(state, statusChange('dismissed'), NOW);
      const recorded: RecordedEvent = { ...dismissal, eventId: eventId(2), streamVersion: 2 };
      state = evolve(state, recorded);
      expect(state.lawsuit?.status).toBe('dismissed');
      const retract = decideRetraction(state, eventId(2), { reason: 'misreported' });
      state = evolve(state, { ...retract, eventId: eventId(3), streamVersion: 3 });
      expect(state.lawsuit).toEqual({ filed: true, status: null });
    });
  });
});
