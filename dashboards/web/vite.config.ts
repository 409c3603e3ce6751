// The consoles (CONTRACT §10), built to dashboards/dist and served by the gateway.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(__dirname, '../dist'),
    emptyOutDir: true,
    rollupOptions: { input: { dispatcher: resolve(__dirname, 'index.html'), report: resolve(__dirname, 'report.html'), public: resolve(__dirname, 'public.html'), regulator: resolve(__dirname, 'regulator.html'), officer: resolve(__dirname, 'officer.html') } },
  },
});
