#!/usr/bin/env node
// `open06 …` / `npx open06 …`: runs the TypeScript CLI through tsx (no separate build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
