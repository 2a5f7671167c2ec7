import { randomUUID } from 'node:crypto';
import { PgEventStore, StreamAppend } from '@newsroom/event-store';
import { pastMillisecondOf } from '@newsroom/testing';
import { toAppend } from '../../../../tests/fixtures/story.fixture';

type Sources = Array<{ outlet: string; language: string }>;

/**
 * Writes a case's history straight to the log, one event a millisecond (so `knownAt` can fall between any two):
 * `filed` a case of `plaintiff` against `defendant` (2024-03-01, reported by `wire`), `step` one of its status
 * changes (a rumour sourced to `blog`, any other modality to `wire`), `append` anything else. Each answers the
 * event's recordedAt.
 */
export function lawsuitHistory(store: PgEventStore, o: { plaintiff: string; defendant: string; wire: Sources; blog: Sources }) {
  const append = async (a: StreamAppend): Promise<string> => {
    const [stored] = await store.append(a);
    await pastMillisecondOf(stored.recordedAt);
    return stored.recordedAt;
  };
  const filed = (subject: string) =>
    append(
      toAppend({
        type: 'lawsuit.filed',
        subject,
        occurredAt: '2024-03-01',
        data: { title: `${subject} v. Acme`, plaintiffs: [o.plaintiff], defendants: [o.defendant] },
        sources: o.wire,
      }),
    );
  const step = (subject: string, status: string, occurredAt: string, modality = 'reported', id = randomUUID()) =>
    append(
      toAppend({
        id,
        type: 'lawsuit.status_changed',
        subject,
        occurredAt,
        modality,
        data: { status },
        sources: modality === 'rumored' ? o.blog : o.wire,
      }),
    );
  return { append, filed, step };
}
