/** A named check the readiness endpoint runs; it throws (or rejects) when the dependency is not usable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<Record<string, unknown> | void>;
  /**
   * Reported, never failing (false: the default is true): a failure of this check is listed under `degraded` in the
   * answer and readiness stays 200. For a dependency the service can do its job without, where taking the instance
   * out of rotation helps no one (ingest's Kafka: writes go to Postgres only).
   */
  required?: boolean;
}

/**
 * A check's failure whose `state` is safe to publish (a consumer's `starting`, `restarting`): the answer shows it
 * beside the check's name. Any other error is published as `unavailable`; its text (hosts, ports, driver words)
 * only goes to the log.
 */
export class NotReadyError extends Error {
  constructor(
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
/** How long a readiness answer is reused (ms); HEALTH_READY_CACHE_MS, 1000 by default, 0 = only shared while running. */
export const READINESS_CACHE_MS = Symbol('READINESS_CACHE_MS');

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
