import { AttachedWords, LawsuitRow, lawsuitsModel, summarizeCase } from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { correction, event, recordedAtOf, resetClock, retraction } from './support/events.builder';

const filed = (c: string, occurredAt: string) =>
  event('lawsuit.filed', c, occurredAt, {
    title: 'Musk v. OpenAI',
    plaintiffs: ['person:elon-musk'],
    defendants: ['org:openai'],
    claims: ['breach'],
  });
const status = (c: string, s: string, occurredAt: string, modality = 'reported') =>
  event('lawsuit.status_changed', c, occurredAt, { status: s }, { modality: modality as never });

function cases(t: InMemoryFactTable, knownAt: string | null = null) {
  const rows = t.visible<LawsuitRow>(knownAt);
  return rows
    .filter((r) => r.kind === 'filed')
    .map((f) =>
      summarizeCase(
        f,
        rows.filter((r) => r.kind === 'status' && r.subject === f.subject),
      ),
    )
    .map((c) => ({ case: c.case, status: c.status, steps: c.history.map((h) => h.status) }));
}

describe('lawsuits: evolve and case summaries', () => {
  beforeEach(() => resetClock());

  it('a suit filed, withdrawn, then refiled as a new case shows two cases with their own status', () => {
    const t = new InMemoryFactTable(lawsuitsModel).applyAll([
      filed('case:state', '2024-02-29'),
      status('case:state', 'withdrawn', '2024-06-11'),
      filed('case:federal', '2024-08-05'),
    ]);
    expect(cases(t)).toEqual([
      { case: 'case:state', status: 'withdrawn', steps: ['filed', 'withdrawn'] },
      { case: 'case:federal', status: 'filed', steps: ['filed'] },
    ]);
    expect(t.visible<LawsuitRow>()[0].parties).toEqual(['person:elon-musk', 'org:openai']);
  });

  it('a closing step dated coarsely is placed at its date\'s end: settled "2024" after a motion of 2024-06-10 leaves the case settled', () => {
    const t = new InMemoryFactTable(lawsuitsModel).applyAll([
      filed('case:coarse', '2024-02-01'),
      status('case:coarse', 'motion_filed', '2024-06-10'),
      status('case:coarse', 'settled', '2024'),
      status('case:coarse', 'appealed', '2025-01'),
    ]);
    expect(cases(t)).toEqual([{ case: 'case:coarse', status: 'appealed', steps: ['filed', 'motion_filed', 'settled', 'appealed'] }]);
  });

  it('a step reported late takes its place in valid time: the current status is the latest that happened, not the latest recorded', () => {
    const t = new InMemoryFactTable(lawsuitsModel).applyAll([
      filed('case:late', '2024-02-29'),
      status('case:late', 'dismissed', '2024-09-30'),
      status('case:late', 'appealed', '2024-10-05'),
      status('case:late', 'ruled', '2025-Q1'),
      // Recorded last, happened first.
      status('case:late', 'amended', '2024-04-10'),
    ]);
    expect(cases(t)).toEqual([{ case: 'case:late', status: 'ruled', steps: ['filed', 'amended', 'dismissed', 'appealed', 'ruled'] }]);
  });

  it('when a status change is retracted, the case falls back to its previous status', () => {
    const t = new InMemoryFactTable(lawsuitsModel).applyAll([filed('case:a', '2024-02'), status('case:a', 'motion_filed', '2024-03')]);
    const withdrawn = status('case:a', 'withdrawn', '2024-06');
    t.apply(withdrawn);
    t.apply(retraction(withdrawn));
    expect(cases(t)).toEqual([{ case: 'case:a', status: 'motion_filed', steps: ['filed', 'motion_filed'] }]);
    expect(cases(t, recordedAtOf(3))[0].status).toBe('withdrawn');
  });

  it('a corrected status shows its current value; a denied step is listed but does not count', () => {
    const t = new InMemoryFactTable(lawsuitsModel).applyAll([filed('case:a', '2024-02')]);
    const step = status('case:a', 'dismissed', '2024-06');
    t.applyAll([step, status('case:a', 'settled', '2024-07', 'denied')]);
    t.apply(correction(step, { data: { status: 'withdrawn' } }));
    expect(cases(t)).toEqual([{ case: 'case:a', status: 'withdrawn', steps: ['filed', 'withdrawn', 'settled'] }]);
  });

  describe('a rumoured step (a blog says the case was appealed) is listed but is not the status until a story attached confirms it', () => {
    const rumourCase = (...steps: ReturnType<typeof status>[]) => {
      const t = new InMemoryFactTable(lawsuitsModel).applyAll([filed('case:r', '2024-02-29'), ...steps]);
      const rows = t.visible<LawsuitRow>();
      const stepsOf = rows.filter((r) => r.kind === 'status');
      return (words: AttachedWords = new Map()) => {
        const c = summarizeCase(
          rows.find((r) => r.kind === 'filed')!,
          stepsOf,
          words,
        );
        return { status: c.status, rumoredStatus: c.rumoredStatus, steps: c.history.map((h) => `${h.status}:${h.modality}`) };
      };
    };

    it('a rumoured appeal after the filing: filed, appeal rumoured, the rumour listed with its modality', () => {
      const summary = rumourCase(status('case:r', 'appealed', '2024-06', 'rumored'));
      expect(summary()).toEqual({ status: 'filed', rumoredStatus: 'appealed', steps: ['filed:reported', 'appealed:rumored'] });
    });

    it('a rumoured settlement after a motion: the motion stands, the settlement is rumoured; a reported appeal after it leaves no rumour ahead', () => {
      const motion = status('case:r', 'motion_filed', '2024-05-02');
      const settled = status('case:r', 'settled', '2024-09', 'rumored');
      expect(rumourCase(motion, settled)()).toMatchObject({ status: 'motion_filed', rumoredStatus: 'settled' });
      const appealed = status('case:r', 'appealed', '2024-11-04');
      expect(rumourCase(motion, settled, appealed)()).toMatchObject({ status: 'appealed', rumoredStatus: null });
    });

    it('confirmed by an attached story (an outlet whose latest word confirms, none denying), the rumour is the status', () => {
      const rumour = status('case:r', 'settled', '2024-09', 'rumored');
      const summary = rumourCase(status('case:r', 'motion_filed', '2024-05-02'), rumour);
      const id = rumour.id;
      expect(summary(new Map([[id, [['court wire', 'confirms']]]]))).toMatchObject({ status: 'settled', rumoredStatus: null });
      // An outlet denying it leaves it a rumour, and sets it aside: no rumour shown.
      const contested = new Map([
        [
          id,
          [
            ['court wire', 'confirms'],
            ['skeptic post', 'denies'],
          ],
        ],
      ]) as AttachedWords;
      expect(summary(contested)).toMatchObject({ status: 'motion_filed', rumoredStatus: null });
    });

    it('a denied step of the same status sets the rumour aside, whatever its date; a denial of another status does not', () => {
      const rumour = status('case:r', 'settled', '2024-09', 'rumored');
      expect(rumourCase(rumour, status('case:r', 'settled', '2024-10', 'denied'))()).toMatchObject({
        status: 'filed',
        rumoredStatus: null,
      });
      expect(rumourCase(rumour, status('case:r', 'dismissed', '2024-10', 'denied'))()).toMatchObject({
        status: 'filed',
        rumoredStatus: 'settled',
      });
    });
  });

  it('a retracted filing takes the case out', () => {
    const f = filed('case:a', '2024-02');
    const t = new InMemoryFactTable(lawsuitsModel).applyAll([f, retraction(f)]);
    expect(cases(t)).toEqual([]);
  });
});
