import { feedLine } from './feed-line.renderer';

/** Any character a terminal acts on instead of showing: C0, DEL, C1, bidi controls, line and paragraph separators. */
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/; // eslint-disable-line no-control-regex

describe('feedLine', () => {
  const item = {
    position: 42,
    occurredAt: '2024-09-25',
    type: 'executive.departed',
    subject: 'person:x',
    headline: 'Boss\u001b[31mRED\u001b[0m\nline2\rCR leaves\u202eyxes\u2069 \u001b]52;c;aGk=\u0007\u009b2J\u007f',
    status: 'current',
    eventId: '0193b7f0-0000-7000-8000-000000000001',
  };

  it('an item whose stored text holds control characters is one line, each of them shown as an escape', () => {
    const line = feedLine(item);
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('Boss\\x1b[31mRED\\x1b[0m\\nline2\\rCR leaves\\u202eyxes\\u2069 \\x1b]52;c;aGk=\\x07\\x9b2J\\x7f');
    expect(line).toMatch(/\(0193b7f0-0000-7000-8000-000000000001\)$/);
  });

  it('pads the escaped text, so the columns line up on what the terminal shows', () => {
    const line = feedLine({ ...item, subject: 'person:\u001bx', headline: 'Départ\u202f: «\u00a0démission\u00a0»' });
    expect(line).toBe(
      `    42  2024-09-25  ${'executive.departed'.padEnd(34)}  ${'person:\\x1bx'.padEnd(28)}  Départ\u202f: «\u00a0démission\u00a0»  (${item.eventId})`,
    );
  });

  it('escapes the status, the outlets and the inferred fields too', () => {
    const line = feedLine({
      ...item,
      headline: 'plain',
      status: 'corr\u001b[8mected',
      corroboration: { outlets: 2, confirms: 1, denies: 1 },
      inferred: [{ path: 'data.\nrole', note: '' }],
      targetEventId: 'a\rb',
    });
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toContain('[corr\\x1b[8mected]  [2 outlets: 1 confirms, 1 denies]  [inferred: data.\\nrole]');
    expect(line).toContain('-> a\\rb');
  });

  it('in English, each count agrees with its word as the Atom feed says it: 1 outlet, 1 confirms, 1 denies; 0 and 2 take the plural', () => {
    const line = (corroboration: object) => feedLine({ ...item, headline: 'x', corroboration }, 'en');
    expect(line({ outlets: 2, confirms: 1, denies: 1 })).toContain('x  [2 outlets: 1 confirms, 1 denies]  (');
    expect(line({ outlets: 1, confirms: 0, denies: 1 })).toContain('x  [1 outlet: 0 confirm, 1 denies]  (');
    expect(line({ outlets: 5, confirms: 3, denies: 2 })).toContain('x  [5 outlets: 3 confirm, 2 deny]  (');
    expect(line({ outlets: 2, confirms: 2, denies: 0 })).toContain('x  [2 outlets]  (');
    expect(line({ outlets: 1, confirms: 1, denies: 0 })).not.toContain('[');
  });

  it('writes its own notes in the language asked for: outlets, status and the fields not stated, in French with --lang fr', () => {
    const fact = { ...item, headline: 'Départ', inferred: [{ path: 'data.role', note: '' }] };
    const en = feedLine({ ...fact, status: 'corrected', corroboration: { outlets: 3, confirms: 2, denies: 1 } }, 'en');
    expect(en).toContain('Départ  [corrected]  [3 outlets: 2 confirm, 1 denies]  [inferred: data.role]  (');
    const fr = feedLine({ ...fact, status: 'corrected', corroboration: { outlets: 3, confirms: 2, denies: 1 } }, 'fr');
    expect(fr).toContain('Départ  [corrigé]  [3 médias\u00a0: 2 confirment, 1 dément]  [non indiqué par les sources\u00a0: data.role]  (');
    expect(fr).not.toMatch(/outlets|corrected|inferred|confirm\b|deny/);
    // 0 and 1 take the singular in French; two outlets that all confirm are counted alone.
    expect(
      feedLine({ ...item, headline: 'x', status: 'retracted', corroboration: { outlets: 1, confirms: 0, denies: 1 } }, 'fr'),
    ).toContain('x  [retiré]  [1 média\u00a0: 0 confirme, 1 dément]  (');
    expect(feedLine({ ...item, headline: 'x', corroboration: { outlets: 2, confirms: 2, denies: 0 } }, 'fr')).toContain('x  [2 médias]  (');
    expect(feedLine({ ...item, headline: 'x', corroboration: { outlets: 4, confirms: 1, denies: 3 } }, 'fr')).toContain(
      '[4 médias\u00a0: 1 confirme, 3 démentent]',
    );
  });
});
