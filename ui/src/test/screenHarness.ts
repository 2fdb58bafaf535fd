// Shared set-up of the screen tests: happy-dom does no layout, so virtualized tables get a
// viewport; each test starts on a fresh mock backend at the given route and cleans up after.
import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach } from "vitest";

export function setUpScreenTests(installBackend: () => void, hash = ""): void {
  configure({ asyncUtilTimeout: 5000 });

  beforeAll(() => {
    for (const prop of ["clientHeight", "clientWidth"] as const) {
      Object.defineProperty(HTMLElement.prototype, prop, {
        configurable: true,
        get(this: HTMLElement) {
          if (!this.classList.contains("queue-scroll")) return 0;
          return prop === "clientHeight" ? 600 : 1200;
        },
      });
    }
  });

  beforeEach(() => {
    window.location.hash = hash;
    installBackend();
  });

  afterEach(() => {
    cleanup();
    clearMocks();
    window.location.hash = "";
  });
}
