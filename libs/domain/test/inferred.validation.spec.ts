import { decideRecord, initialStreamState, inferredOf, namesAField, validateStoryRequest, validateSubmission } from '@newsroom/domain';
import { NOW } from './fixtures/decider.fixture';
import { envelope } from './fixtures/submissions.fixture';

const errorsOf = (input: unknown) => {
  const result = validateSubmission(input);
  return result.ok ? [] : result.errors;
};
const note = 'date from other reporting';

describe('inferred: the fields a source does not state', () => {
  it('given occurredAt and data paths the event has, when validated, then they are kept as given', () => {
    const inferred = [
      { path: 'occurredAt', note },
      { path: 'data.money.amount', note: 'scale from the wire copy' },
    ];
    const input = envelope('revenue.target_set', { inferred });
    const result = validateSubmission(input);
    expect(result).toEqual({ ok: true, value: { ...input, modality: 'reported' } });
  });

  it('given an array item path, when validated, then it names that item', () => {
    expect(errorsOf(envelope('product.announced', { inferred: [{ path: 'data.features[0]', note }] }))).toEqual([]);
    expect(errorsOf(envelope('product.announced', { inferred: [{ path: 'data.features[1]', note }] }))).toEqual([
      { path: 'inferred[0].path', message: 'data.features[1] names no field of this event' },
    ]);
  });

  it.each([
    ['a data field the type does not have', 'data.salary', 'data.salary names no field of this event'],
    ['an optional field the event leaves out', 'data.destination', 'data.destination names no field of this event'],
    ['a field below a string', 'data.role.title', 'data.role.title names no field of this event'],
  ])('given %s, when validated, then 400 on inferred[i].path', (_what, path, message) => {
    expect(
      errorsOf(
        envelope('executive.departed', {
          inferred: [
            { path: 'occurredAt', note },
            { path, note },
          ],
        }),
      ),
    ).toEqual([{ path: 'inferred[1].path', message }]);
  });

  it.each([
    ['a server field', 'recordedAt'],
    ['the subject', 'subject'],
    ['a source', 'sources[0].title'],
    ['data itself', 'data'],
    ['a prototype walk', 'data.__proto__'],
  ])('given %s as a path, when validated, then the path is refused by its grammar', (_what, path) => {
    expect(errorsOf(envelope('executive.departed', { inferred: [{ path, note }] }))).toEqual([
      { path: 'inferred[0].path', message: 'must be "occurredAt" or "data.<field path>"' },
    ]);
  });

  it('given a path listed twice, a missing note, an unknown key or too many items, when validated, then each is a field error', () => {
    expect(
      errorsOf(
        envelope('executive.departed', {
          inferred: [
            { path: 'occurredAt', note },
            { path: 'occurredAt', note },
          ],
        }),
      ),
    ).toEqual([{ path: 'inferred[1].path', message: 'occurredAt is listed twice' }]);
    expect(errorsOf(envelope('executive.departed', { inferred: [{ path: 'occurredAt' }] }))).toEqual([
      { path: 'inferred[0].note', message: 'required' },
    ]);
    expect(errorsOf(envelope('executive.departed', { inferred: [{ path: 'occurredAt', note, by: 'x' }] }))).toEqual([
      { path: 'inferred[0].by', message: 'unknown field' },
    ]);
    const many = Array.from({ length: 21 }, () => ({ path: 'occurredAt', note }));
    expect(errorsOf(envelope('executive.departed', { inferred: many })).map((e) => e.path)).toContain('inferred');
  });

  it('given a story event with inferred, when validated, then its paths are checked against that event', () => {
    const story = { outlet: 'Example Daily', title: 'T', language: 'en', publishedAt: '2024-10' };
    const { sources: _s, ...event } = envelope('executive.departed', { inferred: [{ path: 'data.reason', note }] });
    expect(validateStoryRequest({ story, events: [event] }).ok).toBe(true);
    const bad = { ...event, inferred: [{ path: 'data.destination', note }] };
    const result = validateStoryRequest({ story, events: [bad] });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'events[0].inferred[0].path', message: 'data.destination names no field of this event' },
    ]);
  });

  it('given a valid submission with inferred, when decided, then the new event carries it; without, it carries none', () => {
    const inferred = [{ path: 'occurredAt', note }];
    const result = validateSubmission(envelope('executive.departed', { inferred }));
    if (!result.ok) throw new Error('invalid');
    expect(decideRecord(initialStreamState('person:mira-murati'), result.value, NOW).inferred).toEqual(inferred);
    const plain = validateSubmission(envelope('executive.departed'));
    if (!plain.ok) throw new Error('invalid');
    expect(decideRecord(initialStreamState('person:mira-murati'), plain.value, NOW)).not.toHaveProperty('inferred');
  });

  it('given stored metadata, when read, then inferredOf answers its list or []', () => {
    expect(inferredOf({ correlationId: 'c', inferred: [{ path: 'occurredAt', note }] })).toEqual([{ path: 'occurredAt', note }]);
    expect(inferredOf({ correlationId: 'c' })).toEqual([]);
    expect(inferredOf(null)).toEqual([]);
    expect(namesAField({ occurredAt: '2024', data: { a: { b: [1] } } }, 'data.a.b[0]')).toBe(true);
  });
});
