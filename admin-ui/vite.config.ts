import { reactRouter } from '@react-router/dev/vite';
import tailwindcss from '@tailwindcss/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [tailwindcss(), reactRouter()],
  resolve: { alias: { '~': fileURLToPath(new URL('./app', import.meta.url)) } },
  // The server build's entry is our own module, which wraps React Router's build in its request handler
  // (admin-ui/server/app.ts), so the API process imports one file whatever the mode.
  build: isSsrBuild ? { rollupOptions: { input: './server/app.ts' } } : {},
}));
