import { CliError } from '../output/cli.errors';

/** The data merge patch of a correction from --data '<json>' and --set a.b=value flags (--set wins). */
export function dataPatch(json: string | undefined, sets: string[]): Record<string, unknown> | undefined {
  let patch: Record<string, unknown> | undefined;
  if (json !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new CliError(`--data is not JSON: ${(error as Error).message}`, `quote it for the shell, e.g. --data '{"reason": "resigned"}'`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new CliError('--data must be a JSON object (a merge patch over the event data)');
    patch = value as Record<string, unknown>;
  }
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new CliError(`--set ${set}: expected path=value`, 'e.g. --set reason=resigned or --set money.amount=\'"1000"\'');
    const path = set.slice(0, eq).split('.');
    let target = (patch ??= {});
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      target = target[key] = isRecord(next) ? next : {};
    }
    target[path[path.length - 1]] = jsonOrText(set.slice(eq + 1));
  }
  return patch;
}

function jsonOrText(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
