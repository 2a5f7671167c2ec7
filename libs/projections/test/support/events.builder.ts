import { randomUUID } from 'node:crypto';
import type { ProjectedEvent } from '@newsroom/projections';

let position = 0;
const base = Date.parse('2025-01-01T00:00:00.000Z');

/** Positions and recorded times move on together, one minute per event, like a real log. */
export function resetClock(start = 0): void {
  position = start;
}

export const recordedAtOf = (p: number) => new Date(base + p * 60_000).toISOString();

export function event(
  type: string,
  subject: string,
  occurredAt: string | null,
  data: unknown,
  extra: Partial<ProjectedEvent> = {},
): ProjectedEvent {
  position++;
  // Test events may carry any data (malformed on purpose too): the projections under test must cope.
  return {
    id: randomUUID(),
    type: type as ProjectedEvent['type'],
    subject,
    occurredAt,
    data,
    sources: [{ outlet: 'Example Daily', url: 'https://example.org/a', title: 'A story', language: 'en', quote: `quote ${position}` }],
    modality: 'reported',
    streamVersion: 1,
    globalPosition: String(position),
    recordedAt: recordedAtOf(position),
    schemaVersion: 1,
    metadata: {},
    ...extra,
  } as ProjectedEvent;
}

export const correction = (target: ProjectedEvent, changes: unknown, reason = 'fixed', extra: Partial<ProjectedEvent> = {}) =>
  event('event.corrected', target.subject, null, { targetEventId: target.id, changes, reason }, { sources: [], ...extra });

export const retraction = (target: ProjectedEvent, reason = 'wrong') =>
  event('event.retracted', target.subject, null, { targetEventId: target.id, reason }, { sources: [] });

export const appointed = (person: string, role: string, occurredAt: string, extra: Record<string, unknown> = {}) =>
  event('executive.appointed', person, occurredAt, { organization: 'org:openai', role, roleCategory: 'c-suite', ...extra });

export const departed = (person: string, role: string, occurredAt: string | null, extra: Record<string, unknown> = {}) =>
  event('executive.departed', person, occurredAt, {
    organization: 'org:openai',
    role,
    roleCategory: 'c-suite',
    reason: 'resigned',
    ...extra,
  });
