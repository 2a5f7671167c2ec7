import { randomUUID } from 'node:crypto';
import { departedEnvelope, headcountEnvelope, lawsuitFiledEnvelope } from '@newsroom/testing';

const org = () => `org:legacy-${randomUUID().slice(0, 8)}`;
const source = [{ outlet: 'Example Daily', language: 'en' }];

/**
 * Envelopes earlier releases recorded (201) that today's validation refuses (400 REQUEST.INVALID): what an operator's
 * clients re-send after an upgrade. Each is new (its own id and subject) on every call.
 */
export function refusedTodayEnvelopes(): Record<string, Record<string, unknown>> {
  const departed = departedEnvelope();
  return {
    'a role with a TAB': { ...departed, data: { ...departed.data, role: 'Head\tof Legal' } },
    'a role with U+202E': departedEnvelope({ data: { ...departed.data, role: 'CTO\u202eevil' } }),
    'a function named Total': headcountEnvelope(12, { subject: org(), data: { byFunction: { Total: 5, Sales: 7 } } }),
    'a plaintiff listed twice': lawsuitFiledEnvelope(`case:legacy-${randomUUID().slice(0, 8)}`, {
      data: { title: 'Doe v. Acme', plaintiffs: ['person:jane-doe', 'person:jane-doe'], defendants: ['org:acme'], claims: ['breach'] },
    }),
    'a valuation below the round': {
      id: randomUUID(),
      type: 'funding.round_closed',
      subject: org(),
      occurredAt: '2024-03',
      data: { money: { amount: '500000000', currency: 'USD' }, valuation: { amount: '100000000', currency: 'USD' } },
      sources: source,
    },
    'a restructuring to itself in another case': {
      id: randomUUID(),
      type: 'governance.restructuring_announced',
      subject: org(),
      occurredAt: '2024-05',
      data: { from: 'nonprofit', to: 'Nonprofit' },
      sources: source,
    },
    'a headcount of 20,000,000': headcountEnvelope(20_000_000, { subject: org() }),
  };
}
