import { financialsModel, StoredFactRow } from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { correction, event, recordedAtOf, resetClock, retraction } from './support/events.builder';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const points = (t: InMemoryFactTable, knownAt: string | null = null) =>
  t
    .visible<StoredFactRow & Record<string, unknown>>(knownAt)
    .map((r) => [r.metric, r.basis, r.amount ?? r.count, r.period])
    .sort((a, b) => (String(a) < String(b) ? -1 : 1));

describe('financials: evolve', () => {
  beforeEach(() => resetClock());

  it('turns each figure into points: revenue by basis, targets, losses, headcount total and by function, funding and valuation', () => {
    const t = new InMemoryFactTable(financialsModel).applyAll([
      event('revenue.reported', 'org:openai', '2024-09', { money: usd('3700000000'), period: '2024', basis: 'projected' }),
      event('revenue.target_set', 'org:openai', '2024', { money: usd('100000000000'), targetPeriod: '2029' }),
      event('financial.loss_reported', 'org:openai', '2024-H1', { money: usd('5000000000'), period: '2024-H1', basis: 'actual' }),
      event('headcount.reported', 'org:openai', '2024-12', { total: 1600, byFunction: { commercial: 300 } }),
      event('funding.round_closed', 'org:openai', '2024-10-02', { money: usd('6600000000'), valuation: usd('157000000000') }),
      event('executive.departed', 'person:x', '2024', { organization: 'org:openai', role: 'CTO', roleCategory: 'c-suite' }),
    ]);
    expect(points(t)).toEqual([
      ['funding', 'round', '6600000000', '2024-10-02'],
      ['headcount', 'commercial', 300, '2024-12'],
      ['headcount', 'total', 1600, '2024-12'],
      ['loss', 'actual', '5000000000', '2024-H1'],
      ['revenue', 'projected', '3700000000', '2024'],
      ['revenue_target', 'target', '100000000000', '2029'],
      ['valuation', 'post_money', '157000000000', '2024-10-02'],
    ]);
    const target = t.visible<Record<string, unknown>>().find((r) => r.metric === 'revenue_target')!;
    expect([target.period_start, target.period_end]).toEqual(['2029-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z']);
  });

  it('a corrected figure shows its new value now and its old value with knownAt before the correction', () => {
    const loss = event('financial.loss_reported', 'org:openai', '2024-12', {
      money: usd('440000000000'),
      period: '2025/2029',
      basis: 'cumulative_projected',
    });
    const t = new InMemoryFactTable(financialsModel).applyAll([loss]);
    t.apply(
      correction(loss, { data: { money: { amount: '44000000000' } } }, 'scale error', {
        sources: [{ outlet: 'Other', language: 'en', quote: '$44bn' }],
      }),
    );
    expect(points(t)).toEqual([['loss', 'cumulative_projected', '44000000000', '2025/2029']]);
    expect(points(t, recordedAtOf(1))).toEqual([['loss', 'cumulative_projected', '440000000000', '2025/2029']]);
    const [now] = t.visible();
    expect(now).toMatchObject({ version: 2, change_reason: 'scale error', currency: 'USD' });
    expect(now.sources.map((s) => (s as { outlet: string }).outlet)).toEqual(['Example Daily', 'Other']);
  });

  it('a correction that drops a headcount function closes that point; a retraction closes them all', () => {
    const hc = event('headcount.reported', 'org:openai', '2024-12', { total: 1600, byFunction: { commercial: 300 } });
    const t = new InMemoryFactTable(financialsModel).applyAll([hc, correction(hc, { data: { byFunction: null } })]);
    expect(points(t)).toEqual([['headcount', 'total', 1600, '2024-12']]);
    t.apply(retraction(hc));
    expect(points(t)).toEqual([]);
    expect(points(t, recordedAtOf(1))).toHaveLength(2);
  });
});
