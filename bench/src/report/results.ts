import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchResults, renderMarkdown } from './markdown';

/** Writes `<date>.json` and `<date>.md` (quick runs: `<date>.quick.*`, so they never replace a full run's table). */
export function writeResults(outDir: string, results: BenchResults): { json: string; markdown: string } {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${results.date}${results.mode === 'quick' ? '.quick' : ''}`);
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(markdown, renderMarkdown(results));
  return { json, markdown };
}
