import { MigrationInterface, QueryRunner } from 'typeorm';
import { RULE as RUMOURED_ENDS_RULE, runsSql } from './1764902200000-leadership-rumoured-ends.migration';

/** The rule of 1764902200000 (its run rows, computed by its `runsSql`). */
const OLD_RULE = RUMOURED_ENDS_RULE;
/** And every rumoured appointment. */
const RULE = `(${RUMOURED_ENDS_RULE} OR kind = 'appointed' AND modality = 'rumored')`;

/**
 * A rumoured appointment that the stories attached to it confirm counts as confirmed on the roster (the
 * sixty-second session, as a rumoured lawsuit step does). Which rumours are confirmed is read at query time, so a
 * rumour between two rumours of a run, which `leadership_runs` left out as changing nothing, may now raise the start's
 * modality: the runs keep every rumoured appointment. The rows kept change, so they are computed again from the
 * standing facts, as a rebuild does it; the columns and indexes stay.
 */
export class LeadershipRumouredStarts1764902810000 implements MigrationInterface {
  name = 'LeadershipRumouredStarts1764902810000';

  async up(q: QueryRunner): Promise<void> {
    await this.recompute(q, RULE);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.recompute(q, OLD_RULE);
  }

  private async recompute(q: QueryRunner, rule: string): Promise<void> {
    await q.query('DELETE FROM read_model.leadership_runs');
    await q.query(runsSql(rule));
    await q.query('ANALYZE read_model.leadership_runs');
  }
}
