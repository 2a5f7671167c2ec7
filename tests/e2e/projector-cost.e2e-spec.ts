import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTION_NAMES } from '@newsroom/projections';

const ROOT = join(__dirname, '..', '..');

interface Measured {
  label: string;
  rowsPerEvent: number;
  tables: Record<string, number>;
  eventsPerSecond: number;
  runnerUs: number;
  postgresUs: number;
}

/** `npm run bench:projector-cost` (the built checkout's), small, on the real Postgres. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'projector-cost.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-20_000)));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// A smoke test of the tool: no timing is asserted, only that every configuration ran and what it wrote adds up.
describe('npm run bench:projector-cost (smoke)', () => {
  const out = mkdtempSync(join(tmpdir(), 'newsroom-projector-cost-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures the runner with no read model, each read model alone and all of them, and each writes alone the rows it writes beside the others', async () => {
    const file = join(out, 'cost.md');
    const result = await run(['--events', '600', '--rounds', '1', '--batch', '100', '--out', file]);
    if (result.code !== 0) throw new Error(`projector-cost exited with ${result.code}:\n${result.stderr}`);

    const json = JSON.parse(result.stdout.trim().split('\n').pop()!) as { floor: Measured; models: Measured[]; all: Measured };
    expect(json.models.map((m) => m.label)).toEqual([...PROJECTION_NAMES]);
    for (const m of [json.floor, ...json.models, json.all]) {
      expect(m.eventsPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(m.runnerUs)).toBe(true);
      expect(Number.isFinite(m.postgresUs)).toBe(true);
    }
    expect(json.floor.rowsPerEvent).toBe(0);
    // The bench's appointment lands in the feed, the leadership facts, the timeline and the sources.
    for (const table of ['feed_items', 'leadership_events', 'timeline_facts', 'source_facts'])
      expect(json.all.tables[table]).toBeGreaterThan(0);
    // Alone or together, a read model writes the same rows: the tables of all are the union of each one's.
    const union: Record<string, number> = {};
    for (const m of json.models) Object.assign(union, m.tables);
    expect(json.all.tables).toEqual(union);

    const markdown = readFileSync(file, 'utf8');
    for (const label of ['(none)', ...PROJECTION_NAMES, 'all']) expect(markdown).toContain(`| ${label} |`);
  });
});
