/**
 * Named places where a test can make a run stop dead: PAKHUIS_FAILPOINT=<name> makes the process
 * wait there (to be killed, or to have its connection cut) or, with PAKHUIS_FAILPOINT_MODE=throw,
 * fail there. Unset in production, where each call is one environment lookup.
 */
export async function failpoint(name: string): Promise<void> {
  if (process.env.PAKHUIS_FAILPOINT !== name) return;
  if (process.env.PAKHUIS_FAILPOINT_MODE === 'throw') throw new Error(`failpoint ${name}`);
  process.stderr.write(`failpoint ${name} reached\n`);
  const ms = Number(process.env.PAKHUIS_FAILPOINT_MS ?? 3_600_000);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
