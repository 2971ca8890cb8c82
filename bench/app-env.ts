/**
 * Settings every benchmark gives the platform it starts. The background walk of the audit chain
 * (a checkpoint 5 s after start, then every AUDIT_CHECKPOINT_INTERVAL_MINUTES) is off: on a data
 * folder whose chain has grown by millions of entries since its last checkpoint, that first walk
 * takes the CPU for minutes and would be measured instead of the requests.
 */
export const BENCH_APP_ENV = { AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0' };

/** Stops a process the benchmark started and waits for it to exit (at most `ms`): the platform drains its work before PostgreSQL stops. */
export async function stopProcess(child: import('node:child_process').ChildProcess | null | undefined, ms = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
}
