import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Tauri serves the built files from ui/dist (see src-tauri/tauri.conf.json).
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Loaded from disk by the desktop shell, so one larger chunk is fine.
    chunkSizeWarningLimit: 1024,
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "node",
    // The screen tests render the whole app; leave headroom on a busy 2-core machine.
    testTimeout: 20_000,
  },
});
