import { BENCH_ORGS } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { percentile } from '../support/stats';

const LEADERSHIP_REPORT = '/v1/reports/leadership?organization={org}';
const FEED_STAND_IN = '/v1/feed?organization={org}&limit=100';

/**
 * `auto`: the leadership report when the query service answers it, else the feed filtered by organization (the
 * stand-in). Anything else is used as given.
 */
export async function chooseReportPath(http: HttpClient, setting: string): Promise<string> {
  if (setting !== 'auto') return setting;
  const probe = await http.get(LEADERSHIP_REPORT.replace('{org}', encodeURIComponent(BENCH_ORGS[1]))).catch(() => null);
  return probe?.status === 200 ? LEADERSHIP_REPORT : FEED_STAND_IN;
}

/**
 * Sequential GETs of the report, each for an organization picked at random, until `samples` were taken or
 * `withinMs` has passed (whichever comes first); latencies in ms.
 */
export async function sampleReport(http: HttpClient, template: string, samples: number, withinMs = Infinity): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + withinMs;
  for (let i = 0; i < samples && performance.now() < until; i++) {
    const org = BENCH_ORGS[Math.floor(Math.random() * BENCH_ORGS.length)];
    const started = performance.now();
    const res = await http.get(template.replace('{org}', encodeURIComponent(org)));
    if (res.status !== 200) throw new Error(`GET ${template} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    out.push(performance.now() - started);
  }
  return out;
}

export const p95 = (samples: number[]) => percentile(samples, 95);
