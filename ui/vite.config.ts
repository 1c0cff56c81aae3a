// Vite builds the front end into ui/dist, which the Tauri shell embeds (tauri.conf.json
// `frontendDist`). JSX goes through esbuild's automatic runtime, so no React plugin is
// needed. Vitest runs the UI-logic tests in jsdom with the Tauri IPC mocked.
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Relative asset paths: the app is served from the tauri:// (or http://tauri.localhost) origin.
  base: "./",
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  server: { port: 1420, strictPort: true },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
