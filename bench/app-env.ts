/**
 * Settings every benchmark gives the platform it starts. The background walk of the audit chain
 * (a checkpoint 5 s after start, then every AUDIT_CHECKPOINT_INTERVAL_MINUTES) is off: on a data
 * folder whose chain has grown by millions of entries since its last checkpoint, that first walk
 * takes the CPU for minutes and would be measured instead of the requests.
 */
export const BENCH_APP_ENV = { AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0' };
