import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The customer web (src/web), built to dist/web and served by the Fastify process
 * (src/platform/web.ts). `npm run build` runs it; `npm start` runs it when the build is missing or
 * older than its sources (src/platform/web-build.ts).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  plugins: [react()],
  // No public/ folder: everything the pages load is an imported, hashed asset under /assets/.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // bench/web.ts reads it to sum each page's JavaScript.
    manifest: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        // The app (every page but the plan page, and the plan page when it cannot be pre-rendered).
        index: fileURLToPath(new URL('./src/web/index.html', import.meta.url)),
        // The pre-rendered plan page's shell and its small script (src/platform/web.ts fills it).
        plan: fileURLToPath(new URL('./src/web/plan.html', import.meta.url)),
      },
    },
  },
  server: { proxy: { '/v1': 'http://localhost:3000' } },
});
