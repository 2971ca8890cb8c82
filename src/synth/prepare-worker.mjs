// Entry of the generator worker thread: tsx's loader hooks do not reach worker threads, so register
// them here before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
