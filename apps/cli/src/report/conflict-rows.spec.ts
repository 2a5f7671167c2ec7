import { resolveHint } from './conflict-rows.renderer';
import { reportTable } from './report-table.renderer';

const A = '0193b7f0-0000-7000-8000-000000000007';
const B = '0193c000-0000-7000-8000-0000000000aa';
const CONFLICT = '5f3e1c2a-0000-5000-8000-000000000001';

const side = (eventId: string, amount: string, outlet: string, headline: string, corroboration: object) => ({
  eventId,
  type: 'financial.loss_reported',
  occurredAt: '2024-H1',
  headline,
  value: { metric: 'loss', basis: 'actual', period: '2024-H1', amount, currency: 'USD' },
  sources: [{ outlet }],
  corroboration: { firstReportedAt: null, latestReportedAt: null, ...corroboration },
});

const conflict = (lang: string, resolution: object | null, headlines: [string, string]) => ({
  lang,
  items: [
    {
      conflictId: CONFLICT,
      openedAt: '2026-01-01T00:00:00.000Z',
      kind: 'financial',
      subject: 'org:openai',
      fields: ['amount'],
      status: resolution ? 'resolved' : 'open',
      resolution,
      sides: [
        side(A, '30000000000', 'Les Echos', headlines[0], { outlets: 3, confirms: 3, denies: 0 }),
        side(B, '3600000000', 'Second Wire', headlines[1], { outlets: 2, confirms: 1, denies: 1 }),
      ],
    },
  ],
});

/** The table's rows as cells by column, cut at the header's column starts (cells hold spaces: "30 USD (Les Echos)"). */
function tableCells(table: string): Array<Record<string, string>> {
  const [header, , ...rows] = table.split('\n');
  const columns = header.split(/\s+/);
  const starts = columns.map((c) => header.indexOf(c));
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row.slice(starts[i], starts[i + 1]).trim()])));
}

describe('the conflicts table', () => {
  it("a row per side: its whole event id to resolve with, its claim, its outlets and headline; the conflict's cells on its first row", () => {
    const body = conflict('en', null, [
      'OpenAI reports loss of 30 billion USD for H1 2024',
      'OpenAI reports loss of 3.6 billion USD for H1 2024',
    ]);
    const table = reportTable('conflicts', body);
    expect(table.split('\n')[0].split(/\s+/)).toEqual([
      'openedAt',
      'kind',
      'subject',
      'fields',
      'status',
      'side',
      'eventId',
      'claim',
      'outlets',
      'headline',
      'conflictId',
    ]);
    const [first, second] = tableCells(table);
    expect(first).toEqual({
      openedAt: '2026-01-01T00:00:00.000Z',
      kind: 'financial',
      subject: 'org:openai',
      fields: 'amount',
      status: 'open',
      side: 'a',
      eventId: A,
      claim: '30000000000 USD (Les Echos)',
      outlets: '3',
      headline: 'OpenAI reports loss of 30 billion USD for H1 2024',
      conflictId: CONFLICT,
    });
    expect(second).toEqual({
      openedAt: '',
      kind: '',
      subject: '',
      fields: '',
      status: '',
      side: 'b',
      eventId: B,
      claim: '3600000000 USD (Second Wire)',
      outlets: '2: 1 confirms, 1 denies',
      headline: 'OpenAI reports loss of 3.6 billion USD for H1 2024',
      conflictId: '',
    });
    expect(resolveHint(body.items)).toBe(
      'resolve one: newsroom resolve <conflictId> --standing <eventId of the side that stands> --reason "<why>"',
    );
  });

  it('--lang fr: the headlines as the answer gives them, the outlets and the side that stands in French', () => {
    const body = conflict('fr', { by: 'editor', eventId: 'e', standingEventId: B, reason: 'les comptes audités' }, [
      'OpenAI annonce une perte de 30\u00a0milliards\u00a0USD',
      'OpenAI annonce une perte de 3,6\u00a0milliards\u00a0USD',
    ]);
    const table = reportTable('conflicts', body);
    const [first, second] = tableCells(table);
    expect(first).toMatchObject({
      status: 'resolved',
      side: 'a',
      eventId: A,
      outlets: '3',
      headline: 'OpenAI annonce une perte de 30\u00a0milliards\u00a0USD',
      resolvedBy: 'editor',
      reason: 'les comptes audités',
    });
    expect(second).toMatchObject({
      side: 'b\u00a0: retenu',
      eventId: B,
      claim: '3600000000 USD (Second Wire)',
      outlets: '2\u00a0: 1 confirme, 1 dément',
      headline: 'OpenAI annonce une perte de 3,6\u00a0milliards\u00a0USD',
    });
    expect(table).not.toMatch(/stands|confirms?\b|denies|deny/);
    // Resolved: nothing left to resolve, no hint.
    expect(resolveHint(body.items)).toBeNull();
  });

  it('in English the chosen side "stands"; a resolution by a correction, a retraction or an appointment marks no side', () => {
    const resolved = (by: string) =>
      reportTable('conflicts', conflict('en', { by, eventId: 'e', standingEventId: by === 'editor' ? A : null, reason: 'r' }, ['x', 'y']));
    expect(resolved('editor')).toContain(`a: stands  ${A}`);
    expect(resolved('retraction')).not.toContain('stands');
    expect(resolved('appointment')).not.toContain('stands');
    expect(resolved('appointment')).toContain('appointment');
  });
});
