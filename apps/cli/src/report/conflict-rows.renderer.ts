import { cliWords, CliLang } from '../output/cli-words.const';
import { outletsText } from '../output/fact-truth.util';

type Json = Record<string, unknown>;

interface ConflictSide {
  eventId?: string;
  headline?: string | null;
  value?: {
    amount?: string | null;
    currency?: string | null;
    count?: number | null;
    occurredAt?: string | null;
    destination?: string | null;
    status?: string | null;
  };
  sources?: Array<{ outlet?: string }>;
  corroboration?: { outlets?: number; confirms?: number; denies?: number };
}

/** What the side claims, and its own sources' outlets: "5000000000 USD (Example Daily)". */
function claimText(side: ConflictSide): string {
  const v = side.value ?? {};
  const value = v.amount
    ? `${v.amount} ${v.currency ?? ''}`.trim()
    : (v.count ?? v.status ?? [v.occurredAt, v.destination].filter(Boolean).join(' '));
  const outlets = (side.sources ?? []).map((s) => s.outlet).filter(Boolean);
  return `${String(value)}${outlets.length ? ` (${outlets.join(', ')})` : ''}`;
}

/**
 * The conflicts report as table rows: one row per side, so each side's event id (what `newsroom resolve --standing`
 * takes, whole, as the API does) has a column of its own and is never cut. The side's `claim`, its `outlets`
 * (corroboration, stories attached since included, counted as every report counts them) and its `headline` (in the
 * answer's `lang`); `side` is a or b, the one an editor chose marked "a: stands" ("a : retenu"). The conflict's own
 * cells are on its first side's row only, so the two rows read as one conflict.
 */
export function conflictRows(rows: Json[], lang: CliLang): Json[] {
  const w = cliWords(lang);
  return rows.flatMap((r) => {
    const sides = (Array.isArray(r.sides) ? r.sides : []) as ConflictSide[];
    const resolution = r.resolution as { by?: string; reason?: string | null; standingEventId?: string | null } | null;
    const conflict: Json = { ...r, resolvedBy: resolution?.by ?? null, reason: resolution?.reason ?? null };
    const blank: Json = Object.fromEntries(Object.keys(conflict).map((k) => [k, null]));
    return sides.map((side, i) => {
      const letter = String.fromCharCode(97 + i);
      const stands = resolution?.by === 'editor' && side.eventId !== undefined && side.eventId === resolution.standingEventId;
      return {
        ...(i === 0 ? conflict : blank),
        side: stands ? `${letter}${w.colon}${w.stands}` : letter,
        eventId: side.eventId ?? null,
        claim: claimText(side),
        outlets: outletsText(side as Json, lang),
        headline: side.headline ?? null,
      };
    });
  });
}

/**
 * Under a conflicts table with an open conflict: the command that records which side stands, so the ids the table
 * shows lead somewhere.
 */
export function resolveHint(rows: Json[]): string | null {
  return rows.some((r) => r.status === 'open')
    ? 'resolve one: newsroom resolve <conflictId> --standing <eventId of the side that stands> --reason "<why>"'
    : null;
}
