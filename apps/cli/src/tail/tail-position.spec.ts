import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterKey, loadPosition, savePosition, withFileLock, WrittenPosition } from './tail-position.util';

describe('tail positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tail-position-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const Q = 'http://127.0.0.1:3000';

  it('names a filter the same whatever the order, spacing or repetition of its lists; no filter has no name', () => {
    expect(filterKey({ subjects: [] })).toBeNull();
    expect(filterKey({ types: ' b.x, a.y ', subjects: ['person:b', 'person:a,person:b'], organization: 'org:openai' })).toBe(
      'types=a.y,b.x&subjects=person:a,person:b&organization=org:openai',
    );
    expect(filterKey({ types: 'a.y,b.x', subjects: ['person:a', 'person:b'], organization: 'org:openai' })).toBe(
      filterKey({ types: 'b.x,a.y', subjects: ['person:b', 'person:a'], organization: 'org:openai' }),
    );
  });

  it('given a filtered tail ran further, then the unfiltered one still goes on from its own position (it would skip what the filter left out)', () => {
    const file = join(dir, 'shared');
    const departures = filterKey({ types: 'executive.departed', subjects: [] });
    savePosition(file, Q, '10');
    // A filtered tail started fresh goes on from what was seen unfiltered, then keeps its own.
    expect(loadPosition(file, Q, departures)).toBe('10');
    savePosition(file, Q, '50', departures);
    expect(loadPosition(file, Q)).toBe('10');
    expect(loadPosition(file, Q, departures)).toBe('50');
    savePosition(file, Q, '12');
    expect(loadPosition(file, Q, departures)).toBe('50');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ queryUrl: Q, position: '12', filtered: { 'types=executive.departed': '50' } });
  });

  it('reads the file the previous version wrote, forgets positions of another query service, and keeps at most 100 filters', () => {
    const file = join(dir, 'old');
    writeFileSync(file, JSON.stringify({ queryUrl: Q, position: '7' }));
    expect(loadPosition(file, Q)).toBe('7');
    expect(loadPosition(file, 'http://elsewhere:3000')).toBeUndefined();
    savePosition(file, 'http://elsewhere:3000', '3', 'types=a');
    expect(loadPosition(file, Q)).toBeUndefined();
    for (let i = 0; i < 120; i++) savePosition(file, Q, String(i), `subjects=person:p${i}`);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { filtered: Record<string, string> };
    expect(Object.keys(saved.filtered)).toHaveLength(100);
    expect(saved.filtered['subjects=person:p119']).toBe('119');
    expect(saved.filtered['subjects=person:p0']).toBeUndefined();
  });

  it('holds <file>.lock while it saves and lets it go; a live holder is waited for, then the save goes ahead and leaves its lock', () => {
    const file = join(dir, 'locked');
    expect(withFileLock(file, () => existsSync(`${file}.lock`))).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
    // Held by a process that runs (this one): waited for, not taken over, never a stalled tail.
    writeFileSync(`${file}.lock`, String(process.pid));
    const started = Date.now();
    expect(withFileLock(file, () => 'saved', 50)).toBe('saved');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(String(process.pid));
  });

  it('saves the last position written once per turn, never one not yet written', () => {
    const saves: string[] = [];
    const turns: Array<() => void> = [];
    const saved = new WrittenPosition(
      (p) => saves.push(p),
      (run) => turns.push(run),
    );
    for (const p of ['41', '42', '43']) saved.written(p);
    expect(saves).toEqual([]);
    expect(turns).toHaveLength(1);
    turns.shift()!();
    expect(saves).toEqual(['43']);
    saved.written('44');
    turns.shift()!();
    expect(saves).toEqual(['43', '44']);
  });
});
