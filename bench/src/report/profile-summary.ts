import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileSummary {
  file: string;
  /** Which process wrote it (the app's name), when the bench labelled it. */
  process?: string | null;
  sampledMs: number;
  /** Self time by where the code lives: our apps and libs, each dependency, Node itself, GC, idle. */
  byOrigin: Array<{ origin: string; percent: number }>;
  /** The functions with the most self time, busy time only (idle excluded). */
  topFunctions: Array<{ fn: string; percent: number }>;
}

function originOf(url: string, fn: string): string {
  if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return fn;
  if (!url) return '(native)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/dist\/(apps\/[^/]+|libs\/[^/]+|bench)\//.exec(url);
  return ours ? ours[1] : 'other';
}

const where = (url: string, line: number) => {
  const short = url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist\//, '')
    .replace(/^file:\/\//, '');
  return short ? `${short}:${line + 1}` : '';
};

/** Reads a .cpuprofile (node --cpu-prof) and says where the busy time went, without opening DevTools. */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number };
  const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
  const origins = new Map<string, number>();
  const fns = new Map<string, number>();
  let idle = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    const origin = originOf(n.callFrame.url, n.callFrame.functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + hits);
    if (origin === '(idle)') {
      idle += hits;
      continue;
    }
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url, n.callFrame.lineNumber)}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + hits);
  }
  const pct = (hits: number, of: number) => Math.round((hits / of) * 1000) / 10;
  const busy = total - idle || 1;
  return {
    file,
    sampledMs: Math.round((profile.endTime - profile.startTime) / 1000),
    byOrigin: [...origins]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([origin, hits]) => ({ origin, percent: pct(hits, total) })),
    topFunctions: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, hits]) => ({ fn, percent: pct(hits, busy) })),
  };
}
