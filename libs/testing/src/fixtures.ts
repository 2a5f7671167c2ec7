import { randomUUID } from 'node:crypto';

/** A valid executive.departed envelope; override any field. Subjects are unique per call unless given. */
export function departedEnvelope(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'executive.departed',
    subject: `person:test-${randomUUID().slice(0, 8)}`,
    occurredAt: '2024-09-25',
    data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' },
    sources: [{ outlet: 'Example Daily', url: 'https://example.org/a', language: 'fr', publishedAt: '2024-10-02', quote: 'le départ soudain' }],
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
