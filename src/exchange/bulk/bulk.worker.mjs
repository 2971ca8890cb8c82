// Entry of the bulk job worker thread: tsx's loader hooks do not reach worker threads, so register
// them here before loading the TypeScript worker (as src/synth/prepare-worker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./bulk.worker.ts');
