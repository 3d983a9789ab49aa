/**
 * Registers the build's service worker (sw.js, written by scripts/service-worker.mjs) so the
 * site works offline after the first visit. After the page has loaded, so the install's
 * downloads never compete with the first figures; only in a built site (dev has no sw.js).
 */
import { BASE_PATH, withBase } from '../lib/url';

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = (): void => {
    navigator.serviceWorker
      .register(withBase('sw.js'), { scope: BASE_PATH })
      .catch((error: unknown) => {
        // Offline reading is a bonus: the page works without it, so say so and carry on.
        console.warn('pixelwise: offline copy unavailable:', error);
      });
  };
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
