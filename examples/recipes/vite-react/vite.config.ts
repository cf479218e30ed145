/**
 * The recipe's Vite settings. In your app, add `@vitejs/plugin-react` as usual; Vite's own JSX
 * transform is enough for this page. `TOKEN_MOCK_SMILE` (a standalone token-mock's Smile origin)
 * proxies `/v1` and `/__mock` to it and points the app there, so the page stays same-origin.
 */
import { defineConfig, type UserConfig } from 'vite';

/** The page's settings; `smileOrigin` set, the app talks to that server through the dev server's proxy. */
export function recipeConfig(smileOrigin?: string): UserConfig {
  return {
    root: new URL('.', import.meta.url).pathname,
    ...(smileOrigin
      ? {
          define: { 'import.meta.env.VITE_SMILE_URL': JSON.stringify('/v1') },
          server: { proxy: { '/v1': smileOrigin, '/__mock': smileOrigin } },
        }
      : {}),
  };
}

export default defineConfig(recipeConfig(process.env.TOKEN_MOCK_SMILE));
