import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autogroupEnabled } from '../../bench/src/report/machine';
import { schedulingLine } from '../../bench/src/report/markdown';

// With Linux's autogroup scheduling on, the cores are shared between sessions before processes, and Postgres starts
// each backend in a session of its own: the bench runs each app in one too, and its results say which setting held.
describe('bench: the kernel scheduling setting in the results', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-scheduling-'));
    mkdirSync(join(root, 'sys', 'kernel'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads whether autogroup scheduling is on, and says null where the kernel has no such setting', () => {
    writeFileSync(join(root, 'sys', 'kernel', 'sched_autogroup_enabled'), '1\n');
    expect(autogroupEnabled(root)).toBe(true);
    writeFileSync(join(root, 'sys', 'kernel', 'sched_autogroup_enabled'), '0\n');
    expect(autogroupEnabled(root)).toBe(false);
    rmSync(join(root, 'sys'), { recursive: true });
    expect(autogroupEnabled(root)).toBeNull();
  });

  it('says in the header how the cores were shared, and nothing for results that did not record it', () => {
    expect(schedulingLine(true)).toMatch(
      /^Scheduling: autogroup on .*each app, each bare server and each Postgres backend runs in a session of its own/,
    );
    expect(schedulingLine(false)).toMatch(/^Scheduling: autogroup off/);
    expect(schedulingLine(null)).toMatch(/^Scheduling: no autogroup setting found/);
    expect(schedulingLine(undefined)).toBeNull();
  });
});
