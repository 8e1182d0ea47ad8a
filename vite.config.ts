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
    // `npm run dev`: the BFF's paths go to the server; a key starting with ^ is a RegExp, so `/c/` does not also take
    // every console path that begins with a c. The Host header stays Vite's, which the server counts as its own origin.
    proxy: { '^/(api|c|v2|service)(/|$)': { target: bff, changeOrigin: false } },
  },
});
