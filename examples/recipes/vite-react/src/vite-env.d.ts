/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Smile's base URL, with `/v1`; unset, the page runs the mock itself. */
  readonly VITE_SMILE_URL?: string;
}
