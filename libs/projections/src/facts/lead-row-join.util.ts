import type { FactModel } from './fact-model.types';
import { COMMON_FACT_COLUMNS, LEAD_ROW_PAYLOAD } from './fact-version.types';

const NAME = /^[a-z_][a-z0-9_.]*$/;

/**
 * SQL: the rows `inner` selects from a fact table whose model keeps the payload on a version's lead row only
 * (`leadRowColumns`), each with its version's payload and lead-only columns read back from that row: every column
 * of the table, as `SELECT *` gave them before. The join runs on the rows `inner` keeps (after its LIMIT), one
 * primary-key range of a version each; `order` is the outer ORDER BY over alias `k`. Models without a lead row
 * get `inner` as it is.
 */
export function withLeadRowPayload(model: FactModel, table: string, inner: string, order: string): string {
  if (!NAME.test(table)) throw new Error(`odd table ${table}`);
  if (model.leadRowColumns === undefined) return inner;
  const lead = [...LEAD_ROW_PAYLOAD, ...model.leadRowColumns];
  const keys = [...COMMON_FACT_COLUMNS, ...Object.keys(model.columns)].filter((c) => !lead.includes(c));
  return `SELECT ${[...keys.map((c) => `k.${c}`), ...lead.map((c) => `l.${c}`)].join(', ')}
    FROM (${inner}) k
    JOIN LATERAL (SELECT ${lead.join(', ')} FROM ${table} l
      WHERE l.fact_id = k.fact_id AND l.version = k.version AND l.data IS NOT NULL LIMIT 1) l ON true
    ORDER BY ${order}`;
}
