import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

async function start() {
  // `npm run dev:mock` serves the UI against an in-browser fake backend.
  if (import.meta.env.VITE_MOCK_BACKEND === "true") {
    const { installMockBackend } = await import("./dev/mockBackend");
    installMockBackend({ syncEveryMs: 15_000 });
  }
  const root = document.getElementById("root");
  if (!root) throw new Error("#root element missing from index.html");
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
