import { MigrationInterface, QueryRunner } from 'typeorm';
import { STEP_JUDGEMENT_COLUMNS, STEP_WORDS_JOIN } from './1764902700000-lawsuit-step-rumours.migration';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const NAME = (col: string, alias: string) =>
  `coalesce((SELECT display_name FROM read_model.entities ${alias} WHERE ${alias}.subject = ${col}), ${col})`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** As 1764902500000 reads them: each outlet's latest word among the stories attached to the step `alias`. */
const WORDS = (alias: string) => `SELECT DISTINCT ON (x.e->>'key') x.e->>'stance' AS stance
      FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
      WHERE f.event_id = ${alias}.fact_id AND strpos(x.e->>'id', ':') = 0
      ORDER BY x.e->>'key', x.n DESC`;
const CONFIRMED = (alias: string) =>
  `coalesce((SELECT bool_or(w.stance = 'confirms') AND NOT bool_or(w.stance = 'denies') FROM (${WORDS(alias)}) w), false)`;
const DENIED_WORD = (alias: string) => `coalesce((SELECT bool_or(w.stance = 'denies') FROM (${WORDS(alias)}) w), false)`;
/** Whether a step sets its case's status: not denied, and a rumour only once the stories attached confirm it. */
const SETS_STATUS = (alias: string) => `(${alias}.modality <> 'denied' AND (${alias}.modality <> 'rumored' OR ${CONFIRMED(alias)}))`;

/**
 * A case's standing steps in valid time, numbered 1, 2, ..., as GET /v1/reports/lawsuits lists them (libs/domain
 * inValidTimeOrder, which the case rules use too): a step comes after every step its date is surely after (its period
 * starting when theirs has ended), and steps whose dates overlap ("2025" and 2025-03) keep the order they were recorded
 * in where they can. Built from the end: the last is the latest recorded of the steps no other is surely after. The
 * steps that set the status are ordered among themselves first, the others placed around them. Not expressible as
 * one sort key (overlap is not transitive), hence a function; a case has a handful of steps.
 */
const STEP_ORDER_FUNCTION = `CREATE FUNCTION reporting.case_step_order(case_subject text)
RETURNS TABLE (fact_id uuid, step_order bigint, counts boolean) LANGUAGE plpgsql STABLE AS $f$
DECLARE
  ids uuid[]; froms timestamptz[]; tos timestamptz[]; pos bigint[]; cnt boolean[];
  n int; i int; j int; best int; r int; top int; ok boolean;
  done boolean[]; crank int[]; ord bigint[];
BEGIN
  SELECT array_agg(s.fact_id ORDER BY s.fact_position), array_agg(coalesce(s.valid_from, '-infinity') ORDER BY s.fact_position),
         array_agg(coalesce(s.valid_to, '-infinity') ORDER BY s.fact_position), array_agg(s.fact_position ORDER BY s.fact_position),
         array_agg(${SETS_STATUS('s')} ORDER BY s.fact_position)
    INTO ids, froms, tos, pos, cnt
    FROM read_model.lawsuit_events s WHERE s.subject = case_subject AND s.kind = 'status' AND s.recorded_to IS NULL;
  n := coalesce(cardinality(ids), 0);
  IF n = 0 THEN RETURN; END IF;
  done := array_fill(false, ARRAY[n]); crank := array_fill(0, ARRAY[n]); ord := array_fill(0::bigint, ARRAY[n]);
  -- The counting steps among themselves, from the last.
  r := (SELECT count(*) FROM unnest(cnt) c WHERE c);
  WHILE r > 0 LOOP
    best := NULL;
    FOR i IN 1..n LOOP
      CONTINUE WHEN NOT cnt[i] OR done[i];
      ok := true;
      FOR j IN 1..n LOOP
        IF j <> i AND cnt[j] AND NOT done[j] AND tos[i] <= froms[j] AND froms[i] < froms[j] THEN ok := false; EXIT; END IF;
      END LOOP;
      IF ok AND (best IS NULL OR pos[i] > pos[best]) THEN best := i; END IF;
    END LOOP;
    done[best] := true; crank[best] := r; r := r - 1;
  END LOOP;
  -- Every step, from the last: a counting one only when it is the last of the counting ones left.
  done := array_fill(false, ARRAY[n]);
  r := n;
  WHILE r > 0 LOOP
    top := 0;
    FOR i IN 1..n LOOP IF cnt[i] AND NOT done[i] AND crank[i] > top THEN top := crank[i]; END IF; END LOOP;
    best := NULL;
    FOR i IN 1..n LOOP
      CONTINUE WHEN done[i] OR (cnt[i] AND crank[i] <> top);
      ok := true;
      FOR j IN 1..n LOOP
        IF j <> i AND NOT done[j] AND tos[i] <= froms[j] AND froms[i] < froms[j] THEN ok := false; EXIT; END IF;
      END LOOP;
      IF ok AND (best IS NULL OR pos[i] > pos[best]) THEN best := i; END IF;
    END LOOP;
    done[best] := true; ord[best] := r; r := r - 1;
  END LOOP;
  RETURN QUERY SELECT ids[k], ord[k], cnt[k] FROM generate_series(1, n) AS k;
END $f$`;

const ORDERED = (alias: string) => `reporting.case_step_order(t.subject) o
        JOIN read_model.lawsuit_events ${alias} ON ${alias}.fact_id = o.fact_id AND ${alias}.kind = 'status' AND ${alias}.recorded_to IS NULL`;

/** 1764902500000's `reporting.lawsuits` (its columns, names, types and order kept), its steps in that order. */
const LAWSUITS = `SELECT t.subject AS case_subject, ${NAME('t.subject', 'c')} AS case_name, t.title, t.plaintiffs, t.defendants, t.court,
      t.occurred_at AS filed_occurred_at, t.valid_from AS filed_valid_from, coalesce(s.status, 'filed') AS current_status,
      s.occurred_at AS status_occurred_at, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.fact_id,
      t.inferred, t.title_i18n, t.court_i18n, t.claims_i18n,
      CASE WHEN r.status IS DISTINCT FROM coalesce(s.status, 'filed') THEN r.status END AS rumored_status
      FROM read_model.lawsuit_events t
      LEFT JOIN LATERAL (SELECT st.status, st.occurred_at, o.step_order FROM ${ORDERED('st')}
        WHERE o.counts ORDER BY o.step_order DESC LIMIT 1) s ON true
      LEFT JOIN LATERAL (SELECT ru.status FROM ${ORDERED('ru')}
        WHERE ru.modality = 'rumored' AND NOT o.counts AND NOT ${DENIED_WORD('ru')}
          AND (s.step_order IS NULL OR o.step_order > s.step_order)
          AND NOT EXISTS (SELECT 1 FROM read_model.lawsuit_events d
            WHERE d.subject = t.subject AND d.kind = 'status' AND d.recorded_to IS NULL AND d.modality = 'denied' AND d.status = ru.status)
        ORDER BY o.step_order DESC LIMIT 1) r ON true
      WHERE t.kind = 'filed' AND t.recorded_to IS NULL`;

/**
 * 1764902700000's `reporting.lawsuit_steps` (columns kept, the four of the rumours' judgement last; step_order still a
 * bigint), numbered by case_step_order.
 */
const LAWSUIT_STEPS = `SELECT t.subject AS case_subject, t.fact_id, t.status, t.detail, t.occurred_at, t.valid_from, t.valid_to, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at, o.step_order, t.inferred, t.detail_i18n,
      ${STEP_JUDGEMENT_COLUMNS}
      FROM (SELECT DISTINCT c.subject FROM read_model.lawsuit_events c WHERE c.kind = 'status' AND c.recorded_to IS NULL) cs
      CROSS JOIN LATERAL reporting.case_step_order(cs.subject) o
      JOIN read_model.lawsuit_events t ON t.fact_id = o.fact_id AND t.kind = 'status' AND t.recorded_to IS NULL
      ${STEP_WORDS_JOIN}`;

const ORDER_WORDS =
  'in valid time (a step after every step whose date ends before its own starts; steps whose dates overlap, as "2025" and ' +
  '2025-03, in the order recorded; undated first)';
const LAWSUITS_COMMENT =
  `One row per standing case; current_status is its last standing step ${ORDER_WORDS} as GET /v1/reports/lawsuits says, not the ` +
  'latest recorded; denied steps never count, and rumoured ones only once a story attached to them confirms them (an outlet ' +
  'whose latest word confirms, none denying). rumored_status: the latest rumoured step after it that does not count, null ' +
  'when none, set aside by a denial, or the current status.';
const LAWSUIT_STEPS_COMMENT =
  `Status changes of cases as they stand now; step_order numbers a case's steps 1, 2, ... ${ORDER_WORDS}, denied ones ` +
  'included, as the history of GET /v1/reports/lawsuits lists them. ' +
  'sets_status: whether the step counts for the case status (not denied; a rumour only once a story attached confirms it). ' +
  'rumor_confirmed: on a rumoured step, whether the stories attached confirm it (an outlet whose latest word confirms, none ' +
  'denying; null on other steps); confirmed_by: the attached story (event id) that does, the first recorded. set_aside: a ' +
  'rumour that does not count, denied by an attached story or by a denied step of its status (never a rumored_status).';

/**
 * A case's steps sat at the end of their date's period, in the API, the case rules and these views: an appeal dated
 * only "2025" came after a motion of 2025-03, so the motion, following a settlement of 2024, was refused (the
 * fifty-first session's testers). A coarse date is now neither before nor after the finer ones inside it; the order
 * recorded breaks the tie. The views compute the same order (reporting.case_step_order), columns kept, so
 * create_views() runs the previous bodies and replaces the two views.
 */
export class CaseStepsOverlappingDates1764902720000 implements MigrationInterface {
  name = 'CaseStepsOverlappingDates1764902720000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(STEP_ORDER_FUNCTION);
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_overlapping_dates`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_overlapping_dates();
  CREATE OR REPLACE VIEW reporting.lawsuits AS ${LAWSUITS};
  COMMENT ON VIEW reporting.lawsuits IS ${quote(LAWSUITS_COMMENT)};
  CREATE OR REPLACE VIEW reporting.lawsuit_steps AS ${LAWSUIT_STEPS};
  COMMENT ON VIEW reporting.lawsuit_steps IS ${quote(LAWSUIT_STEPS_COMMENT)};
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The columns are the same: the previous bodies replace the views in place; then the function is unused.
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_overlapping_dates() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
    await q.query(`DROP FUNCTION reporting.case_step_order(text)`);
  }
}
