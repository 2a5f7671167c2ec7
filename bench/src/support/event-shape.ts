import { randomUUID } from 'node:crypto';
import { parsePeriod } from '@newsroom/domain';
import { contentHash, EventToAppend, StoredEvent } from '@newsroom/event-store';

/**
 * The one event shape every figure uses: an executive appointment with two sources and a quote, about 1 KB of
 * JSON on the wire, the size of a real story event. Organizations cycle through 50, so report filters select
 * about 2% of the log.
 */
export const BENCH_ORGS = Array.from({ length: 50 }, (_, i) => `org:bench-${i}`);
export const BENCH_TYPE = 'executive.appointed';
/** Roles cycle too, so no single (organization, role) pair collects an unrealistic share of the appointments. */
export const BENCH_ROLES: ReadonlyArray<[string, string]> = [
  ['Chief Technology Officer', 'c-suite'],
  ['Chief Financial Officer', 'c-suite'],
  ['Chief Operating Officer', 'c-suite'],
  ['Chief Research Officer', 'research'],
  ['Head of Applied Research', 'research'],
  ['Head of Alignment', 'safety'],
  ['Head of Preparedness', 'safety'],
  ['Chief Product Officer', 'product'],
  ['Head of Consumer Products', 'product'],
  ['Chief Commercial Officer', 'commercial'],
  ['Head of Enterprise Sales', 'commercial'],
  ['Board Member', 'board'],
  ['Board Chair', 'board'],
  ['General Counsel', 'other'],
  ['Head of Communications', 'other'],
  ['Chief People Officer', 'other'],
  ['Head of Infrastructure', 'research'],
  ['Head of Policy', 'other'],
  ['Head of Developer Platform', 'product'],
  ['Chief Scientist', 'research'],
];
const OCCURRED_AT = '2024-09-25';
const PERIOD = parsePeriod(OCCURRED_AT)!;
const QUOTE =
  "Quelques jours auparavant, le départ soudain de la directrice technique a de nouveau placé l'entreprise sous " +
  'les feux des projecteurs, et la nomination annoncée mardi doit rassurer les investisseurs comme les équipes ' +
  'de recherche, selon plusieurs sources proches du dossier.';

export interface BenchEnvelope {
  id: string;
  type: string;
  subject: string;
  occurredAt: string;
  data: { organization: string; role: string; roleCategory: string; previously: string[] };
  sources: Array<Record<string, string>>;
  modality: string;
}

export function benchEnvelope(i: number, subject: string, id: string = randomUUID()): BenchEnvelope {
  return {
    id,
    type: BENCH_TYPE,
    subject,
    occurredAt: OCCURRED_AT,
    data: {
      organization: BENCH_ORGS[i % BENCH_ORGS.length],
      role: BENCH_ROLES[i % BENCH_ROLES.length][0],
      roleCategory: BENCH_ROLES[i % BENCH_ROLES.length][1],
      previously: ['Head of Applied Research at Example Labs', 'Principal Engineer at Example Robotics'],
    },
    sources: [
      {
        outlet: 'Example Daily',
        url: `https://example.org/business/2024/10/02/appointment-${i % 9973}`,
        title: 'La transformation commerciale se poursuit avec une nomination à la direction technique',
        language: 'fr',
        publishedAt: '2024-10-02',
        quote: QUOTE,
      },
      { outlet: 'Example Wire', url: `https://wire.example.com/a/${i % 7919}`, language: 'en', publishedAt: '2024-10-01' },
    ],
    modality: 'reported',
  };
}

export const benchSubject = (scope: string, n: number) => `person:bench-${scope}-${n}`;

/** The same event as the write side hands it to PgEventStore. */
export function toAppend(envelope: BenchEnvelope, hash?: string): EventToAppend {
  return {
    eventId: envelope.id,
    type: envelope.type,
    schemaVersion: 1,
    occurredAt: envelope.occurredAt,
    occurredStart: PERIOD.start,
    occurredEnd: PERIOD.end,
    data: envelope.data,
    sources: envelope.sources,
    modality: envelope.modality,
    metadata: { correlationId: envelope.id, causationId: null, actor: 'bench' },
    contentHash: hash ?? contentHash(envelope),
  };
}

/** The same event as stored (what the relay reads and publishes). */
export function toStored(envelope: BenchEnvelope, position: number, streamVersion = 1): StoredEvent {
  const a = toAppend(envelope, 'bench');
  return {
    ...a,
    globalPosition: String(position),
    streamId: envelope.subject,
    streamVersion,
    recordedAt: new Date().toISOString(),
    metadata: a.metadata,
  };
}

export const PERIOD_BOUNDS = { start: PERIOD.start, end: PERIOD.end, occurredAt: OCCURRED_AT };
