import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '@newsroom/testing';
import { startStack, TestStack } from './stack.harness';

const ROOT = join(__dirname, '..', '..');
const MIRA_DEPARTED = '0193b7f0-0000-7000-8000-000000000001';
const HEADCOUNT = '0193b7f0-0000-7000-8000-000000000005';
const TARGET_2029 = '0193b7f0-0000-7000-8000-000000000006';
const LOSS_H1 = '0193b7f0-0000-7000-8000-000000000007';
const OTHER_LOSS_H1 = '0193b7f0-0000-7000-8000-000000000201';
const OTHER_DEPARTURE = '0193b7f0-0000-7000-8000-000000000202';

interface Corroboration {
  outlets: number;
  confirms: number;
  denies: number;
}
interface Item {
  factId: string;
  type?: string;
  headline?: string;
  occurredAt: string | null;
  period?: string;
  basis?: string;
  amount?: string;
  corroboration: Corroboration;
}

/** A script of the repository as a user runs it (node scripts/<name>.js): its output and exit code. */
function script(name: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', name)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The seed story, then the later-reporting fixture loaded the documented way, then the counts the reports show. */
describe('later reporting from several outlets on top of the seed: corroboration counts and minOutlets (e2e)', () => {
  let stack: TestStack;
  let env: Record<string, string>;
  const get = async (path: string) => ((await (await fetch(`${stack.apps.query.url}${path}`)).json()) as { items: Item[] }).items;

  beforeAll(async () => {
    stack = await startStack('later_reporting');
    env = { INGEST_URL: stack.apps.ingest.url, NEWSROOM_INGEST_URL: stack.apps.ingest.url, NEWSROOM_API_KEY: stack.key };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('loads the seed, then the fixture (8 records); loading the fixture again records nothing twice', async () => {
    const seed = await script('seed.js', env);
    expect(seed).toMatchObject({ code: 0, out: 'seed story: 13 events, 13 new\n' });
    const first = await script('later-reporting.js', env);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('8 created, 0 duplicate, 0 rejected');
    const again = await script('later-reporting.js', env);
    expect(again).toMatchObject({ code: 0 });
    expect(again.out).toContain('0 created, 8 duplicate, 0 rejected');
    expect(again.out).toMatch(/^source {2}duplicate 0193b7f0-0000-7000-8000-000000000302 {2}Regional Herald via Second Wire confirms/m);
  });

  it('counts distinct outlets in the reports (the syndicated copy once), with confirms and denies, and minOutlets filters', async () => {
    await pollUntil(
      async () =>
        (await get('/v1/reports/financials?organization=org:openai&metric=revenue_target')).some((i) => i.corroboration.denies === 1),
      {
        timeoutMs: 30000,
        what: 'the last attached source in the reports',
      },
    );
    const departures = await get('/v1/reports/departures?organization=org:openai');
    // The seed's outlet, Second Wire (Regional Herald reprints it: no new outlet), Le Quotidien Tech.
    expect(departures.find((d) => d.factId === MIRA_DEPARTED)?.corroboration).toMatchObject({ outlets: 3, confirms: 3, denies: 0 });
    expect((await get('/v1/reports/departures?organization=org:openai&minOutlets=2')).map((d) => d.factId)).toEqual([MIRA_DEPARTED]);
    expect((await get('/v1/reports/departures?organization=org:openai&minOutlets=3')).map((d) => d.factId)).toEqual([MIRA_DEPARTED]);
    expect(await get('/v1/reports/departures?organization=org:openai&minOutlets=4')).toEqual([]);

    const losses = await get('/v1/reports/financials?organization=org:openai&metric=loss&basis=actual');
    // The disagreement is on record: two figures for the same organization, metric, basis and period.
    expect(losses.map((l) => [l.factId, l.period, l.amount]).sort()).toEqual([
      [LOSS_H1, '2024-H1', '30000000000'],
      [OTHER_LOSS_H1, '2024-H1', '3000000000'],
    ]);
    expect((await get('/v1/reports/financials?organization=org:openai&metric=loss&minOutlets=2')).map((l) => l.factId)).toEqual([LOSS_H1]);
    const target = (await get('/v1/reports/financials?organization=org:openai&metric=revenue_target'))[0];
    expect(target.corroboration).toMatchObject({ outlets: 2, confirms: 1, denies: 1 });
    // The other date for the same departure stands beside the seed's, with its one outlet.
    const other = departures.find((d) => d.factId === OTHER_DEPARTURE);
    expect(other).toMatchObject({ occurredAt: '2024-10', corroboration: { outlets: 1, confirms: 1, denies: 0 } });

    const timeline = await get('/v1/reports/timeline?limit=100');
    expect((await get('/v1/reports/timeline?minOutlets=2&limit=100')).map((i) => i.factId).sort()).toEqual(
      [MIRA_DEPARTED, HEADCOUNT, TARGET_2029, LOSS_H1].sort(),
    );
    const rows = [...timeline]
      .sort((a, b) => a.factId.localeCompare(b.factId))
      .map((i) => [
        i.factId.slice(-3),
        i.type ?? '',
        String(i.corroboration.outlets),
        String(i.corroboration.confirms),
        String(i.corroboration.denies),
        i.headline ?? '',
      ]);
    const header = ['fact', 'type', 'outlets', 'confirms', 'denies', 'headline'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) => cells.map((v, c) => (c === cells.length - 1 ? v : v.padEnd(widths[c]))).join('  ');
    process.stdout.write(`[later-reporting] corroboration after seed + fixture\n${[header, ...rows].map(line).join('\n')}\n`);
  });

  it('lists the two disagreements with the seed as open conflicts, each side with its outlets, and marks the facts', async () => {
    interface Side {
      eventId: string;
      value: Record<string, unknown>;
      sources: Array<{ outlet?: string }>;
      corroboration: Corroboration;
    }
    interface ConflictItem {
      conflictId: string;
      kind: string;
      subject: string;
      fields: string[];
      status: string;
      sides: Side[];
    }
    const conflicts = await pollUntil(
      async () => {
        const items = (
          (await (await fetch(`${stack.apps.query.url}/v1/reports/conflicts?status=open`)).json()) as { items: ConflictItem[] }
        ).items;
        return items.length >= 2 ? items : undefined;
      },
      { timeoutMs: 30000, what: 'both conflicts in the report' },
    );
    const pairs = conflicts.map((c) => [c.kind, c.sides.map((x) => x.eventId).sort()]).sort();
    expect(pairs).toEqual(
      [
        ['departure', [MIRA_DEPARTED, OTHER_DEPARTURE].sort()],
        ['financial', [LOSS_H1, OTHER_LOSS_H1].sort()],
      ].sort(),
    );
    expect(conflicts.find((c) => c.kind === 'financial')?.fields).toEqual(['amount']);
    expect(conflicts.find((c) => c.kind === 'departure')?.fields).toEqual(['occurredAt']);
    // Each side carries the outlets behind it, as the reports count them (the seed's departure: its own source and two
    // confirming stories), where an editor decides which side stands; its sources are its own only.
    const departureSides = conflicts.find((c) => c.kind === 'departure')!.sides;
    const departuresNow = await get('/v1/reports/departures?organization=org:openai');
    for (const side of departureSides) {
      expect(side.corroboration).toEqual(departuresNow.find((d) => d.factId === side.eventId)?.corroboration);
    }
    expect(departureSides.find((x) => x.eventId === MIRA_DEPARTED)?.corroboration).toMatchObject({ outlets: 3, confirms: 3, denies: 0 });
    const losses = (await get('/v1/reports/financials?organization=org:openai&metric=loss&basis=actual')) as Array<
      Item & { conflictsWith?: string[] }
    >;
    const financial = conflicts.find((c) => c.kind === 'financial')!;
    for (const l of losses) expect(l.conflictsWith).toEqual([financial.conflictId]);
    // The leadership report's bounds are facts too (ConflictsWithInterceptor marks them). The other outlet's date is
    // another report of the same departure, not a second tenure: Mira Murati's tenure ends once, at the first date
    // (the seed's), which carries the conflict; every other bound carries none.
    const departure = conflicts.find((c) => c.kind === 'departure')!;
    type Bound = { eventId: string; conflictsWith?: string[] } | null;
    const tenures = (await get('/v1/reports/leadership?organization=org:openai&show=tenures&limit=500')) as unknown as Array<{
      person: string;
      role: string;
      start: Bound;
      end: Bound;
    }>;
    const bounds = tenures.flatMap((t) => [t.start, t.end]).filter((b): b is NonNullable<Bound> => b !== null);
    const sides = new Set(departure.sides.map((x) => x.eventId));
    expect(bounds.filter((b) => sides.has(b.eventId)).map((b) => b.eventId)).toEqual([MIRA_DEPARTED]);
    const mira = tenures.filter((t) => t.end?.eventId === MIRA_DEPARTED || t.end?.eventId === OTHER_DEPARTURE);
    expect(mira).toHaveLength(1);
    expect(tenures.filter((t) => t.person === mira[0].person && t.role === mira[0].role)).toHaveLength(1);
    for (const b of bounds) expect(b.conflictsWith).toEqual(sides.has(b.eventId) ? [departure.conflictId] : []);
    // As of a day between the two dates, she is on the roster once (uncertain: the seed's date is a whole month).
    const roster = (await get('/v1/reports/leadership?organization=org:openai&asOf=2024-09-30')) as unknown as Array<{ person: string }>;
    expect(roster.filter((t) => t.person === mira[0].person)).toHaveLength(1);

    const value = (v: Record<string, unknown>) =>
      [v.amount, v.occurredAt, v.count, v.status].find((x) => typeof x === 'string' || typeof x === 'number') ?? '';
    const rows = conflicts.map((c) => [
      c.kind,
      c.subject,
      c.fields.join(','),
      ...c.sides.map((x) => `${String(value(x.value))} (${[...new Set(x.sources.map((src) => src.outlet ?? '?'))].join(', ')})`),
    ]);
    process.stdout.write(`[later-reporting] open conflicts after seed + fixture\n${rows.map((r) => r.join('  |  ')).join('\n')}\n`);
  });
});
