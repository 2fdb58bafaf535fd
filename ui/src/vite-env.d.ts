/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** "true" runs the UI against the in-browser mock backend (npm run dev:mock). */
  readonly VITE_MOCK_BACKEND?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
