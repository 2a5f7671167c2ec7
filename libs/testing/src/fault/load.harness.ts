import { randomUUID } from 'node:crypto';
import { sleep } from './proc.util';

/** What one HTTP attempt got: a status code, or no answer at all (connection refused/reset, or our timeout). */
export type AttemptOutcome = number | 'network' | 'timeout';

export interface Attempt {
  outcome: AttemptOutcome;
  /** Start of the attempt and its duration, ms. */
  at: number;
  ms: number;
  contentType?: string;
  /** The parsed body of non-2xx answers (problem+json), or the error message of a network failure. */
  detail?: unknown;
  globalPosition?: string;
}

export interface Submission {
  id: string;
  envelope: Record<string, unknown>;
  attempts: Attempt[];
}

export const isAck = (o: AttemptOutcome) => typeof o === 'number' && o >= 200 && o < 300;
export const isClientError = (o: AttemptOutcome) => typeof o === 'number' && o >= 400 && o < 500;
/** No answer or a 5xx: the client cannot know whether the event was recorded, and should retry with the same id. */
export const isUnanswered = (o: AttemptOutcome) => !isAck(o) && !isClientError(o);

const ORGS = ['org:openai', 'org:fault-labs', 'org:fault-corp'];
const ROLES: Array<[string, string]> = [
  ['Chief Technology Officer', 'c-suite'],
  ['Head of Research', 'research'],
  ['VP Product', 'product'],
  ['Board Member', 'board'],
];

/**
 * A varied, valid envelope number `n` (departures, appointments, headcounts on a few organizations), each with
 * a fresh id. Subjects repeat a little so streams get more than one event and read models more than one row.
 */
export function loadEnvelope(n: number, tag = 'fault'): Record<string, unknown> {
  const org = ORGS[n % ORGS.length];
  const [role, roleCategory] = ROLES[n % ROLES.length];
  const month = String((n % 12) + 1).padStart(2, '0');
  const source = { outlet: n % 2 ? 'Fault Wire' : 'Le Quotidien', language: n % 2 ? 'en' : 'fr', url: `https://example.org/${tag}/${n}` };
  const person = `person:${tag}-${Math.floor(n / 3)}`;
  switch (n % 5) {
    case 0:
    case 1:
      return {
        id: randomUUID(),
        type: 'executive.departed',
        subject: person,
        occurredAt: `2024-${month}`,
        data: { organization: org, role, roleCategory, reason: 'resigned' },
        sources: [source],
      };
    case 2:
    case 3:
      return {
        id: randomUUID(),
        type: 'executive.appointed',
        subject: person,
        occurredAt: `2023-${month}`,
        data: { organization: org, role, roleCategory },
        sources: [source],
        modality: 'confirmed',
      };
    default:
      return {
        id: randomUUID(),
        type: 'headcount.reported',
        subject: org,
        occurredAt: `2024-${month}`,
        data: { total: 100 + n },
        sources: [source],
      };
  }
}

export interface LoadOptions {
  /** The ingest base URL, read before each request (so an app restarted elsewhere is followed). */
  url: () => string;
  key: string;
  /** Concurrent writers, each posting one event at a time. */
  writers: number;
  /** Stop after this many distinct events (bounded load). */
  total: number;
  /** Per-request timeout (ms): a hung server counts as `timeout`, not as a stall of the test. */
  timeoutMs?: number;
  /** Pause between a writer's requests (ms), to spread a small load over a fault. */
  pauseMs?: number;
  /**
   * Pause after a request that got no answer or a 5xx (ms, default 200), as a client backing off would: the
   * writers do not burn through the whole load while a service is down. The event is not retried here (see
   * retryUnanswered).
   */
  pauseAfterFailureMs?: number;
  envelope?: (n: number) => Record<string, unknown>;
}

/**
 * A bounded load: N writers posting events to POST /v1/events, recording every attempt's outcome for the oracle
 * (2xx, 4xx, 5xx, no answer). `retryUnanswered()` re-posts every event whose last attempt got no answer or a 5xx,
 * with the same id and body, as a well-behaved client would.
 */
export class LoadGenerator {
  readonly submissions = new Map<string, Submission>();
  private next = 0;
  private stopping = false;
  private running: Promise<void> | null = null;

  constructor(private readonly options: LoadOptions) {}

  /** Starts the writers in the background; `done()` resolves when the total is reached or `stop()` was called. */
  start(): this {
    this.running = Promise.all(Array.from({ length: this.options.writers }, () => this.writer())).then(() => undefined);
    return this;
  }

  done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Stops taking new events; in-flight requests finish (or time out). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.done();
  }

  /** Resolves once at least `count` events have been attempted (to time a fault into the middle of the load). */
  async reached(count: number, timeoutMs = 60000): Promise<void> {
    const started = Date.now();
    while (this.attemptedCount() < count) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`load reached only ${this.attemptedCount()} of ${count} events in ${timeoutMs} ms`);
      if (this.running && this.stopping) return;
      await sleep(50);
    }
  }

  attemptedCount(): number {
    let n = 0;
    for (const s of this.submissions.values()) if (s.attempts.length) n++;
    return n;
  }

  /** Posts one envelope (tracked like the load's own). */
  async post(envelope: Record<string, unknown>): Promise<Attempt> {
    const id = String(envelope.id);
    let sub = this.submissions.get(id);
    if (!sub) this.submissions.set(id, (sub = { id, envelope, attempts: [] }));
    const attempt = await this.attempt(envelope);
    sub.attempts.push(attempt);
    return attempt;
  }

  /**
   * Re-posts (same id, same body) every event whose last attempt got no answer or a 5xx, up to `rounds` times,
   * waiting `pauseMs` between rounds; returns how many are still unanswered.
   */
  async retryUnanswered(options: { rounds?: number; pauseMs?: number; concurrency?: number } = {}): Promise<number> {
    const { rounds = 10, pauseMs = 500, concurrency = this.options.writers } = options;
    for (let round = 0; round < rounds; round++) {
      const todo = this.unanswered();
      if (!todo.length) return 0;
      if (round > 0) await sleep(pauseMs);
      let i = 0;
      await Promise.all(
        Array.from({ length: Math.max(1, concurrency) }, async () => {
          while (i < todo.length) {
            const sub = todo[i++];
            sub.attempts.push(await this.attempt(sub.envelope));
          }
        }),
      );
    }
    return this.unanswered().length;
  }

  /** Events whose last attempt got no answer or a 5xx. */
  unanswered(): Submission[] {
    return [...this.submissions.values()].filter((s) => s.attempts.length && isUnanswered(s.attempts[s.attempts.length - 1].outcome));
  }

  /** Ids answered 2xx at least once. */
  acknowledged(): Set<string> {
    return new Set([...this.submissions.values()].filter((s) => s.attempts.some((a) => isAck(a.outcome))).map((s) => s.id));
  }

  /** Every attempt made in [from, to) (ms since epoch). */
  attemptsBetween(from: number, to: number): Array<Attempt & { id: string }> {
    const out: Array<Attempt & { id: string }> = [];
    for (const s of this.submissions.values()) for (const a of s.attempts) if (a.at >= from && a.at < to) out.push({ ...a, id: s.id });
    return out;
  }

  /** Counts of attempts by outcome class, and of distinct events. */
  counts(): {
    events: number;
    attempts: number;
    ack: number;
    c4xx: number;
    c5xx: number;
    network: number;
    timeout: number;
    retried: number;
  } {
    const c = { events: 0, attempts: 0, ack: 0, c4xx: 0, c5xx: 0, network: 0, timeout: 0, retried: 0 };
    for (const s of this.submissions.values()) {
      if (!s.attempts.length) continue;
      c.events++;
      if (s.attempts.length > 1) c.retried++;
      for (const a of s.attempts) {
        c.attempts++;
        if (a.outcome === 'network') c.network++;
        else if (a.outcome === 'timeout') c.timeout++;
        else if (isAck(a.outcome)) c.ack++;
        else if (isClientError(a.outcome)) c.c4xx++;
        else c.c5xx++;
      }
    }
    return c;
  }

  private async writer(): Promise<void> {
    const make = this.options.envelope ?? ((n: number) => loadEnvelope(n));
    while (!this.stopping) {
      const n = this.next++;
      if (n >= this.options.total) return;
      const attempt = await this.post(make(n));
      if (isUnanswered(attempt.outcome)) await sleep(this.options.pauseAfterFailureMs ?? 200);
      else if (this.options.pauseMs) await sleep(this.options.pauseMs);
    }
  }

  private async attempt(envelope: Record<string, unknown>): Promise<Attempt> {
    const at = Date.now();
    try {
      const res = await fetch(`${this.options.url()}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.key}` },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      const attempt: Attempt = { outcome: res.status, at, ms: Date.now() - at, contentType: res.headers.get('content-type') ?? undefined };
      if (res.ok) attempt.globalPosition = (body as { globalPosition?: string } | null)?.globalPosition;
      else attempt.detail = { body, retryAfter: res.headers.get('retry-after') };
      return attempt;
    } catch (error) {
      const e = error as Error & { cause?: Error };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      return {
        outcome: timedOut ? 'timeout' : 'network',
        at,
        ms: Date.now() - at,
        detail: `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`,
      };
    }
  }
}
