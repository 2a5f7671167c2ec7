/**
 * In-process turns per subject for the write path's read, decide and append. Every append to a stream carries the
 * version its decision read, so two writes on one subject that read at once can never both commit: the loser re-reads
 * and decides again. With N writers on one busy subject each round lets one through, so the last waits N rounds and
 * the work grows as N squared (twelve lost rounds used to end in a 409 the client had not asked for). Taking turns
 * per subject in this process lets each write read the state the previous one left; what remains to race is another
 * ingest instance, which the writer's retries handle.
 *
 * A write takes every subject it touches at once, synchronously, so it waits only for writes that arrived before it
 * on any of them: no cycle, so no deadlock, whatever the order of the subjects.
 */
export class SubjectLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Subjects held or waited for now (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  async run<T>(subjects: readonly string[], work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before: Promise<void>[] = [];
    const keys = [...new Set(subjects)];
    for (const subject of keys) {
      const tail = this.tails.get(subject);
      if (tail) before.push(tail);
      this.tails.set(subject, mine);
    }
    try {
      if (before.length) await Promise.all(before);
      return await work();
    } finally {
      release();
      // The last in line leaves no entry behind; a later arrival has already replaced the tail with its own.
      for (const subject of keys) if (this.tails.get(subject) === mine) this.tails.delete(subject);
    }
  }
}
