import { readdir } from 'node:fs/promises';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { PipelineContext } from '../../lib/context.ts';

/**
 * The test context with other pull settings, parsed and validated as at start-up. Retries wait
 * no time, so failure cases stay fast; the timeout is generous, for a loaded machine.
 */
export function withPull<T extends PipelineContext>(ctx: T, settings: Partial<Record<keyof Config, unknown>>): T {
  const parsed = loadConfig({ env: {}, overrides: { PULL_RETRY_SECONDS: 0, PULL_TIMEOUT_SECONDS: 30, ...settings } });
  const pull = Object.fromEntries(Object.entries(parsed).filter(([key]) => key.startsWith('PULL_') || key in settings));
  return { ...ctx, config: { ...ctx.config, ...pull } };
}

/** Every name in a folder, hidden and temporary ones included: what a pull left behind. */
export async function everything(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}
