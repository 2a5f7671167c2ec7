import { SseParser } from './sse-parser.util';
import { feedLine } from './feed-line.renderer';

describe('SseParser', () => {
  it('assembles messages across chunks; comments (heartbeats) are dropped; CRLF works', () => {
    const p = new SseParser();
    expect(p.push('retry: 2000\n\n: heartbeat\n\nid: 4\ndata: {"a"')).toEqual([{ id: undefined, event: 'message', data: '', retry: 2000 }]);
    expect(p.push(':1}\r\n\r\nevent: close\ndata: {"code":"FEED.STALLED"}\n\n')).toEqual([
      { id: '4', event: 'message', data: '{"a":1}', retry: undefined },
      { id: undefined, event: 'close', data: '{"code":"FEED.STALLED"}', retry: undefined },
    ]);
  });

  it('joins multi-line data with newlines', () => {
    expect(new SseParser().push('data: a\ndata: b\n\n')[0].data).toBe('a\nb');
  });
});

describe('feedLine', () => {
  it('position, date, type, subject, headline, status and the event id', () => {
    const line = feedLine({
      position: '42',
      occurredAt: '2024-09-25',
      type: 'executive.departed',
      subject: 'person:mira-murati',
      headline: 'Mira Murati left',
      status: 'corrected',
      eventId: 'e1',
    });
    expect(line).toMatch(/^ {4}42 {2}2024-09-25 {2}executive\.departed +person:mira-murati +Mira Murati left {2}\[corrected\] {2}\(e1\)$/);
  });
});

describe('feedLine with corroboration and inferred fields', () => {
  it('marks an inferred date with *, names the other inferred fields and counts outlets when more than one', () => {
    const line = feedLine({
      position: '1',
      occurredAt: '2024-09',
      type: 'executive.departed',
      subject: 'person:mira-murati',
      headline: 'Mira Murati leaves OpenAI',
      status: 'current',
      eventId: 'e1',
      corroboration: { outlets: 3, confirms: 2, denies: 1 },
      inferred: [
        { path: 'occurredAt', note: 'month from other reporting' },
        { path: 'data.role', note: 'title from the company' },
      ],
    });
    expect(line).toMatch(
      /^ {5}1 {2}2024-09\* {4}executive\.departed .* Mira Murati leaves OpenAI {2}\[3 outlets: 2 confirm, 1 denies\] {2}\[inferred: data\.role\] {2}\(e1\)$/,
    );
    expect(
      feedLine({
        position: '2',
        occurredAt: '2024',
        type: 't',
        subject: 's',
        headline: 'h',
        eventId: 'e2',
        corroboration: { outlets: 1, confirms: 1, denies: 0 },
        inferred: [],
      }),
    ).not.toMatch(/outlets|inferred|\*/);
  });
});
