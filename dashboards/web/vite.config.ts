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
    // ECharts (charts.ts, ≈ 560 kB, 190 kB gzipped) is its own chunk, loaded only when an overview opens
    chunkSizeWarningLimit: 600,
    rollupOptions: { input: { dispatcher: resolve(__dirname, 'index.html'), report: resolve(__dirname, 'report.html'), public: resolve(__dirname, 'public.html'), regulator: resolve(__dirname, 'regulator.html'), officer: resolve(__dirname, 'officer.html') } },
  },
});
