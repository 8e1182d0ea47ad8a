import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const bff = `http://127.0.0.1:${process.env.PORT ?? 8080}`;

export default defineConfig({
  root: 'web',
  publicDir: '../public',
  plugins: [react(), tailwindcss()],
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: {
    proxy: Object.fromEntries(['/api', '/c', '/v2', '/service'].map((p) => [p, { target: bff, changeOrigin: false }])),
  },
});
