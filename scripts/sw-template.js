// The site's service worker. The build (scripts/service-worker.mjs) writes it to sw.js with the
// three constants below filled in: VERSION, a hash of every file of the build; BASE, the base
// path; FILES, every file of the build as a URL relative to BASE (pages as their directory).
// Install stores them all in a cache named after VERSION, activate deletes every older one, so a
// new deploy is one new cache. Pages are fetched from the network first (a fresh deploy shows
// at once) and from the cache when offline; everything else comes from the cache first.
/* global VERSION, BASE, FILES */

const CACHE = `pixelwise-${VERSION}`;
const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'reload': straight from the server, not a stale copy in the HTTP cache.
      await cache.addAll(FILES.map((path) => new Request(BASE + path, { cache: 'reload' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith('pixelwise-') && n !== CACHE).map((n) => caches.delete(n)),
      );
    })(),
  );
});

/** The cached response for a page URL, whatever its query (figure state lives there). */
async function cachedPage(url) {
  const cache = await caches.open(CACHE);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return (await cache.match(url.origin + url.pathname)) ?? (await cache.match(url.origin + path));
}

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (!url.pathname.startsWith(BASE)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(async () => (await cachedPage(url)) ?? Response.error()),
    );
    return;
  }
  event.respondWith(
    (async () => (await caches.match(request, { cacheName: CACHE })) ?? fetch(request))(),
  );
});
