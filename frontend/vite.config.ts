/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The SPA is served by Flask from src/boxoffice/static/spa (history-mode fallback there),
// so the build writes straight into the Python package; it is gitignored.
export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../src/boxoffice/static/spa', import.meta.url)),
    emptyOutDir: true,
    // Keep every asset local: nothing here may point at a CDN.
    assetsInlineLimit: 4096,
  },
  server: {
    proxy: {
      // Same-origin in production; in dev Vite proxies the API (SSE included) to Flask.
      '/api': { target: process.env.BOXOFFICE_DEV_API ?? 'http://127.0.0.1:5000', changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    globals: false,
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.spec.ts'],
    restoreMocks: true,
  },
})
