import { timelineJsDates, toTimelineJs } from './timeline-js.mapper';
import { timelineJsSchema } from './timeline.schema';
import { TimelineItemDto } from './timeline.repository';

const NBSP = '\u00a0'; // U+00A0 NO-BREAK SPACE: French, before a colon

const item = (over: Partial<TimelineItemDto> = {}): TimelineItemDto => ({
    type: 'executive.departed', subject: 'person:mira-murati', subjectName: 'Mira Murati', role: 'subject', headline: 'Mira <b> leaves',
    data: {}, factId: 'f-1', occurredAt: '2024-09-25', validFrom: '2024-09-25T00:00:00.000Z', validTo: null, modality: 'reported',
    status: 'current', recordedAt: '2026-01-01T00:00:00.000Z', sources: [{ id: 's', outlet: 'A & B', url: 'https://e.org/?a=1&b="2"', title: null, language: 'en', publishedAt: null, quote: null }],
    history: [], inferred: [], corroboration: { outlets: 1, confirms: 1, denies: 0, firstReportedAt: null, latestReportedAt: null }, canonicalSubject: 'person:mira-murati',
    lang: 'en', fallbacks: [], ...over,
  });

describe('TimelineJS mapper', () => {
  it('keeps the precision of the recorded date', () => {
    expect(timelineJsDates('2024', 'x').start_date).toEqual({ year: 2024, display_date: '2024' });
    expect(timelineJsDates('2024-05', 'x').start_date).toEqual({ year: 2024, month: 5, display_date: '2024-05' });
    expect(timelineJsDates('2024-05-17', 'x').start_date).toEqual({ year: 2024, month: 5, day: 17, display_date: '2024-05-17' });
    expect(timelineJsDates('2024-Q2', 'x')).toEqual({ start_date: { year: 2024, month: 4, display_date: '2024-Q2' }, end_date: { year: 2024, month: 6 } });
    expect(timelineJsDates('2024-H2', 'x').end_date).toEqual({ year: 2024, month: 12 });
    expect(timelineJsDates('2024-05-17T10:20:30Z', 'x').start_date).toMatchObject({ year: 2024, month: 5, day: 17, hour: 10, minute: 20, second: 30 });
    expect(timelineJsDates(null, '2025-03-04T00:00:00.000Z')).toEqual({ start_date: { year: 2025, month: 3, day: 4 } });
  });

  it('answers the TimelineJS3 shape: title, one event per fact with escaped HTML, group and unique id', () => {
    const json = toTimelineJs({ items: [item(), item({ factId: 'f-2', status: 'corrected', modality: 'rumored' })] }, { subject: 'org:openai', lang: 'fr' });
    expect(timelineJsSchema.safeParse(json).success).toBe(true);
    expect(json.title.text.headline).toMatch(/^Chronologie/);
    expect(json.events.map((e) => e.unique_id)).toEqual(['f-1', 'f-2']);
    expect(json.events[0]).toMatchObject({ group: 'executive.departed', text: { headline: 'Mira &lt;b&gt; leaves' } });
    expect(json.events[0].text.text).toContain('<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">A &amp; B</a>');
    expect(json.events[1].text.text).toContain('Corrigé');
    expect(json.events[1].text.text).toContain('Rumeur');
  });

  it('writes French with a no-break space (U+00A0) before each colon, English without', () => {
    const titled = item({ sources: [{ id: 's', outlet: 'Le Quotidien', url: null, title: 'Départ', language: 'fr', publishedAt: null, quote: null }] });
    const fr = toTimelineJs({ items: [titled] }, { subject: 'org:openai', lang: 'fr' });
    expect(fr.title.text.headline).toBe(`Chronologie de la rédaction${NBSP}: OpenAI`);
    expect(fr.events[0].text.text).toBe(`<p>Sources${NBSP}:</p><ul><li>Le Quotidien${NBSP}: Départ</li></ul>`);
    const en = toTimelineJs({ items: [titled] }, { subject: 'org:openai', lang: 'en' });
    expect(en.title.text.headline).toBe('Newsroom timeline: OpenAI');
    expect(en.events[0].text.text).toBe('<p>Sources:</p><ul><li>Le Quotidien: Départ</li></ul>');
  });
});
