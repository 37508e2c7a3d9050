import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// `./dreamify dev` runs this dev server; the API (./dreamify start:api) answers behind the proxy,
// so the app talks to the same origin in development as it does when the API serves the build.
const api = process.env.DREAMIFY_API_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    proxy: { '/api': api, '/docs': api, '/health': api, '/metrics': api },
  },
})
