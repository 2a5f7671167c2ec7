/** One service's answer to /health/ready, as a status line: ready, not ready (which checks are down), not answering. */
export interface ServiceHealth {
  name: string;
  url: string;
  state: 'ready' | 'not ready' | 'not answering';
  detail: string;
}

export async function serviceHealth(name: string, url: string, timeoutMs = 10_000): Promise<ServiceHealth> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return { name, url, state: 'ready', detail: '' };
    const body = (await res.json().catch(() => ({}))) as { checks?: Record<string, string>; code?: string };
    const down = Object.entries(body.checks ?? {})
      .filter(([, v]) => v !== 'up')
      .map(([k]) => k);
    return { name, url, state: 'not ready', detail: down.length ? `down: ${down.join(', ')}` : `${res.status} ${body.code ?? ''}`.trim() };
  } catch (error) {
    const e = error as { cause?: { code?: string }; name?: string };
    return { name, url, state: 'not answering', detail: e.cause?.code ?? e.name ?? 'error' };
  }
}
