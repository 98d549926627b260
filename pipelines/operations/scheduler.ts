import cron, { type ScheduledTask } from 'node-cron';
import { RunLockedError, oneLine } from '../../lib/errors.ts';
import type { PipelineContext } from '../../lib/context.ts';
import { runPipeline, type RunSummary } from '../run.ts';

export interface Scheduler {
  task: ScheduledTask;
  /** Start a run now, as the schedule would (skipped when one is in progress). */
  trigger(trigger?: string): Promise<void>;
  /** Resolves when a run in progress has finished (or at once when none is). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The most recent moment before `now` that the cron expression names, in its time zone, looking
 * back at most `days`. node-cron matches per minute, so this walks back minute by minute.
 */
export function previousSlot(task: ScheduledTask, now: Date, days = 8): Date | null {
  const t = new Date(now);
  t.setUTCSeconds(0, 0);
  for (let i = 0; i < days * 24 * 60; i++) {
    if (t.getTime() <= now.getTime() && task.match(t)) return new Date(t);
    t.setUTCMinutes(t.getUTCMinutes() - 1);
  }
  return null;
}

/**
 * The nightly schedule as a long-lived process. Within the process runs never overlap; across
 * processes and hosts the advisory lock in runPipeline lets exactly one run. At start-up a slot
 * that passed without any run (the process was down) is caught up once.
 */
export async function startScheduler(ctx: PipelineContext, options: { onRun?: (s: RunSummary) => void } = {}): Promise<Scheduler> {
  const { config, log } = ctx;
  if (!cron.validate(config.SCHEDULE_CRON)) throw new Error(`SCHEDULE_CRON is not a valid cron expression: ${config.SCHEDULE_CRON}`);
  let current: Promise<void> | null = null;
  let stopping = false;

  const runOnce = (trigger: string): Promise<void> => {
    if (stopping) return Promise.resolve();
    if (current) {
      log.info({ trigger }, 'a run is still in progress in this process; this slot is skipped');
      return current;
    }
    current = (async () => {
      try {
        const summary = await runPipeline(ctx, { trigger });
        options.onRun?.(summary);
      } catch (error) {
        if (error instanceof RunLockedError) log.info({ trigger }, 'another process holds the run lock; this slot is skipped');
        else log.error({ err: error, trigger }, `scheduled run failed: ${oneLine(error)}`);
      } finally {
        current = null;
      }
    })();
    return current;
  };

  const task = cron.createTask(config.SCHEDULE_CRON, () => runOnce('schedule'), { timezone: config.SCHEDULE_TZ, name: 'nightly', noOverlap: true });

  if (config.SCHEDULE_CATCH_UP) {
    const slot = previousSlot(task, new Date());
    if (slot) {
      const { rows } = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pakhuis.runs WHERE started_at >= $1', [slot]);
      if (rows[0]!.n === 0) {
        log.info({ missedSlot: slot.toISOString() }, 'the last scheduled run was missed; catching up once');
        void runOnce('catch-up');
      }
    }
  }
  await task.start();
  log.info({ cron: config.SCHEDULE_CRON, timezone: config.SCHEDULE_TZ, next: task.getNextRun()?.toISOString() }, 'scheduler started');
  return {
    task,
    trigger: (trigger = 'manual') => runOnce(trigger),
    idle: async () => {
      while (current) await current;
    },
    async stop() {
      stopping = true;
      await task.stop();
      await task.destroy();
      while (current) await current;
    },
  };
}
