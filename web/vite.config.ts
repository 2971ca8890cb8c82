import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Builds the officer web app into dist/web, which the server serves (index.html for unknown non-API paths). */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Small app: the initial bundle is React + the shell; report sizes, no source maps in production.
    reportCompressedSize: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // React in a chunk of its own: it changes only on upgrades, so browsers keep it cached
        // while the app chunk changes with every release.
        codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a server on :3000 during development.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
