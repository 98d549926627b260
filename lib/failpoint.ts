/**
 * Named places where a test can make a run stop dead: PAKHUIS_FAILPOINT=<name> makes the process
 * wait there (to be killed, or to have its connection cut) or, with PAKHUIS_FAILPOINT_MODE=throw,
 * fail there; with PAKHUIS_FAILPOINT_MODE=exit, end the thread there without a word (in a worker
 * thread, only the worker ends). Unset in production, where each call is one environment lookup.
 */
export async function failpoint(name: string): Promise<void> {
  if (process.env.PAKHUIS_FAILPOINT !== name) return;
  if (process.env.PAKHUIS_FAILPOINT_MODE === 'throw') throw new Error(`failpoint ${name}`);
  if (process.env.PAKHUIS_FAILPOINT_MODE === 'exit') process.exit(0);
  process.stderr.write(`failpoint ${name} reached\n`);
  const ms = Number(process.env.PAKHUIS_FAILPOINT_MS ?? 3_600_000);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
