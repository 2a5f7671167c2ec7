import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { GroupName } from '../report/figures';
import { appendsGroup } from './appends.group';
import { fanoutGroup } from './fanout.group';
import { GroupContext, GroupInput, GroupOutput, labelProfiledProcess } from './group-context';
import { kafkaGroup } from './kafka.group';
import { pipelineGroup } from './pipeline.group';
import { rebuildGroup } from './rebuild.group';

// The libraries log through Nest's Logger; in the bench only warnings and errors are worth a line.
Logger.overrideLogger(['warn', 'error']);

const RUNNERS: Record<GroupName, (ctx: GroupContext) => Promise<void>> = {
  appends: appendsGroup,
  kafka: kafkaGroup,
  pipeline: pipelineGroup,
  fanout: fanoutGroup,
  rebuild: rebuildGroup,
};

export type GroupMessage =
  { type: 'result'; ok: true; output: GroupOutput } | { type: 'result'; ok: false; error: string; output: GroupOutput };

/**
 * Entry point of one group's process (forked by main): runs the group, reports its figures over IPC, and always
 * cleans up its databases, topics and apps, even when interrupted.
 */
process.once('message', (input: GroupInput) => {
  const ctx = new GroupContext(input);
  if (input.profile?.processes.includes('self')) labelProfiledProcess(input.profile.dir, process.pid, 'bench group (in process)');
  const output = (): GroupOutput => ({ figures: ctx.figures, curves: ctx.curves, notes: ctx.notes, profiles: [] });
  let interrupted = false;
  const onInterrupt = async () => {
    if (interrupted) return;
    interrupted = true;
    // A clean-up step that hangs must not leave this process behind.
    setTimeout(() => process.exit(130), 30_000).unref();
    await ctx.cleanup();
    process.exit(130);
  };
  const interrupt = () => void onInterrupt();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  process.on('disconnect', interrupt);

  const run = RUNNERS[input.group as GroupName];
  void (run ? run(ctx) : Promise.reject(new Error(`unknown group ${input.group}`)))
    .then(() => ({ type: 'result', ok: true, output: output() }))
    .catch((error: Error) => ({ type: 'result', ok: false, error: error.stack ?? error.message, output: output() }))
    .then(async (message) => {
      await ctx.cleanup();
      process.off('disconnect', interrupt);
      process.send!(message, () => process.exit(0));
    });
});
