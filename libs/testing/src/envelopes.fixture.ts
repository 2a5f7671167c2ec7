import { randomUUID } from 'node:crypto';

/** A valid executive.departed envelope; override any field. Subjects are unique per call unless given. */
export function departedEnvelope(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'executive.departed',
    subject: `person:test-${randomUUID().slice(0, 8)}`,
    occurredAt: '2024-09-25',
    data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' },
    sources: [
      { outlet: 'Example Daily', url: 'https://example.org/a', language: 'fr', publishedAt: '2024-10-02', quote: 'le départ soudain' },
    ],
    modality: 'reported',
    ...overrides,
  };
}

export function headcountEnvelope(total: number, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'headcount.reported',
    subject: 'org:openai',
    occurredAt: '2024-10',
    data: { total },
    sources: [{ outlet: 'Example Daily', language: 'en' }],
    ...overrides,
  };
}

/** A valid financial.loss_reported envelope: `amount` USD lost by `subject` in the first half of 2024, as `outlet` gives it. */
export function halfYearLossEnvelope(subject: string, amount: string, outlet: string, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'financial.loss_reported',
    subject,
    occurredAt: '2024-H1',
    data: { money: { amount, currency: 'USD' }, period: '2024-H1', basis: 'actual' },
    sources: [{ outlet, language: 'en' }],
    ...overrides,
  };
}

/** A valid lawsuit.filed envelope opening the case `subject`; override any field. */
export function lawsuitFiledEnvelope(subject: string, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'lawsuit.filed',
    subject,
    occurredAt: '2024-08-05',
    data: { title: 'Musk v. OpenAI', plaintiffs: ['person:elon-musk'], defendants: ['org:openai'], claims: ['breach'] },
    sources: [{ outlet: 'Example Daily', language: 'en' }],
    ...overrides,
  };
}

/** A valid lawsuit.status_changed envelope: the case `subject` moves to `status`. */
export function lawsuitStepEnvelope(subject: string, status: string, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'lawsuit.status_changed',
    subject,
    occurredAt: '2024-11',
    data: { status },
    sources: [{ outlet: 'Example Daily', language: 'en' }],
    ...overrides,
  };
}

/**
 * An event ready for PgEventStore.append (what the write side hands the store): an executive departure from
 * OpenAI by default; override any field, e.g. `{ type: 'headcount.reported', data: { total: 1 } }`.
 */
export function eventToAppend(overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type: 'executive.departed',
    schemaVersion: 1,
    occurredAt: '2024-09',
    occurredStart: '2024-09-01T00:00:00.000Z',
    occurredEnd: '2024-10-01T00:00:00.000Z',
    data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' },
    sources: [{ outlet: 'Example', language: 'fr' }],
    modality: 'reported',
    metadata: { correlationId: randomUUID(), causationId: null as string | null, actor: 'test' },
    contentHash: 'h',
    ...overrides,
  };
}
