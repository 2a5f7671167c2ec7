/**
 * One service's answer to /health/ready, as a status line: ready (and which parts are degraded), not ready (which
 * checks are down, or what a starting service waits for), not answering.
 */
export interface ServiceHealth {
  name: string;
  url: string;
  state: 'ready' | 'not ready' | 'not answering';
  detail: string;
}

export async function serviceHealth(name: string, url: string, timeoutMs = 10_000): Promise<ServiceHealth> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as {
      checks?: Record<string, string>;
      states?: Record<string, string>;
      degraded?: string[];
      code?: string;
      detail?: string;
    };
    // Checks that failed without failing readiness (ingest's Kafka): the service works, with a part missing.
    const degraded = Array.isArray(body.degraded) && body.degraded.length ? `degraded: ${body.degraded.join(', ')}` : '';
    if (res.ok) return { name, url, state: 'ready', detail: degraded };
    if (body.code === 'SERVICE.STARTING') return { name, url, state: 'not ready', detail: body.detail ?? 'starting' };
    const down = Object.entries(body.checks ?? {})
      .filter(([, v]) => v === 'down')
      .map(([k]) => (body.states?.[k] ? `${k} (${body.states[k]})` : k));
    const detail = down.length ? `down: ${down.join(', ')}` : `${res.status} ${body.code ?? ''}`.trim();
    return { name, url, state: 'not ready', detail: [detail, degraded].filter(Boolean).join('; ') };
  } catch (error) {
    const e = error as { cause?: { code?: string }; name?: string };
    return { name, url, state: 'not answering', detail: e.cause?.code ?? e.name ?? 'error' };
  }
}
