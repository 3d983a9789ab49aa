// Functions `npm run bench` runs inside the page (serialised by page.evaluate or
// addInitScript, so each is self-contained: no imports, no closures over this module).
/** Same simulation as tests/browser/page-helpers.ts: getContext('webgl*') returns null. */
export function disableWebgl() {
  for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype]) {
    const original = proto.getContext;
    Object.defineProperty(proto, 'getContext', {
      value(id, ...rest) {
        if (/^(webgl2?|experimental-webgl)$/.test(id)) return null;
        return original.call(this, id, ...rest);
      },
    });
  }
}

/** Timestamps every `pw-computed` event by its element, from the first script on. */
export function recordComputed() {
  globalThis.__pwComputedAt = [];
  document.addEventListener(
    'pw-computed',
    (e) => {
      const el = e.composedPath()[0];
      el.__pwComputed = (el.__pwComputed ?? 0) + 1;
      globalThis.__pwComputedAt.push(performance.now());
    },
    true,
  );
}

/**
 * In the page: moves slider `s` of live element `h` `moves` times (bouncing between its ends),
 * timing input event -> element's pw-computed -> next animation frame, and counting tensors
 * created (tensor id delta), kernels dispatched (engine.runKernel calls) and bytes read back
 * (backend read/readSync) per update.
 */
export async function moveSlider({ h, s, moves, timeoutMs, budgetMs }) {
  const hosts = [...document.querySelectorAll('*')].filter(
    (el) =>
      el.tagName.startsWith('PW-') &&
      el.shadowRoot &&
      !['PW-BACKEND-STATUS', 'PW-PREDICT'].includes(el.tagName),
  );
  const host = hosts[h];
  const sliderLabel = (el) => {
    const label = el.closest('label')?.cloneNode(true);
    label?.querySelectorAll('output, input').forEach((n) => n.remove());
    const text = el.getAttribute('aria-label') ?? label?.textContent ?? '';
    return text.replace(/\s+/g, ' ').trim().slice(0, 40);
  };
  const input = host.shadowRoot.querySelectorAll('input[type=range]')[s];
  const tf = globalThis.pixelwise.tf;
  const engine = tf.engine();
  const backend = tf.backend();
  let kernels = 0;
  let readBytes = 0;
  let reads = 0;
  const origRunKernel = engine.runKernel;
  engine.runKernel = function (...args) {
    kernels++;
    return origRunKernel.apply(this, args);
  };
  const origRead = backend.read;
  const origReadSync = backend.readSync;
  let depth = 0;
  const count = (values) => {
    if (depth === 0 && values) {
      reads++;
      readBytes += values.byteLength ?? values.length * 4;
    }
  };
  backend.read = async function (...args) {
    depth++;
    try {
      const v = await origRead.apply(this, args);
      depth--;
      count(v);
      return v;
    } catch (e) {
      depth--;
      throw e;
    }
  };
  backend.readSync = function (...args) {
    depth++;
    try {
      const v = origReadSync.apply(this, args);
      depth--;
      count(v);
      return v;
    } catch (e) {
      depth--;
      throw e;
    }
  };
  const tensorId = () => {
    const t = tf.scalar(0);
    const id = t.id;
    t.dispose();
    return id;
  };
  const min = Number(input.min || 0);
  const max = Number(input.max || 100);
  const step = Number(input.step) || 1;
  let value = Number(input.value);
  let dir = 1;
  const times = [];
  const tensorsNow = tf.memory().numTensors;
  const id0 = tensorId();
  const k0 = kernels;
  let timedOut = 0;
  try {
    const started = performance.now();
    for (let i = 0; i < moves; i++) {
      // Slow figures (the CRF on WASM) stop early: enough moves for a median, not 50 x seconds.
      if (i >= 5 && performance.now() - started > budgetMs) break;
      if (value + dir * step > max || value + dir * step < min) dir = -dir;
      value += dir * step;
      const done = new Promise((ok) => {
        const timer = setTimeout(() => ok(false), timeoutMs);
        host.addEventListener(
          'pw-computed',
          () => {
            clearTimeout(timer);
            ok(true);
          },
          { once: true },
        );
      });
      const t0 = performance.now();
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      const ok = await done;
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      if (!ok) {
        timedOut++;
        if (i === 0) break;
        continue;
      }
      times.push(performance.now() - t0);
    }
  } finally {
    engine.runKernel = origRunKernel;
    backend.read = origRead;
    backend.readSync = origReadSync;
  }
  // Let any update still in flight land before counting live tensors.
  await new Promise((r) => setTimeout(r, 500));
  const updates = Math.max(times.length, 1);
  // The id probe itself makes one tensor, which the delta excludes.
  const created = tensorId() - id0 - 2;
  return {
    label: sliderLabel(input),
    range: [min, max, step],
    times,
    timedOut,
    tensorsCreatedPerUpdate: created / updates,
    kernelsPerUpdate: (kernels - k0) / updates,
    readsPerUpdate: reads / updates,
    bytesReadPerUpdate: readBytes / updates,
    tensorDelta: tf.memory().numTensors - tensorsNow,
  };
}

/** In the page: scrolls live element `h` to the middle of the viewport (figures compute when near). */
export function scrollToHost(h) {
  const hosts = [...document.querySelectorAll('*')].filter(
    (el) =>
      el.tagName.startsWith('PW-') &&
      el.shadowRoot &&
      !['PW-BACKEND-STATUS', 'PW-PREDICT'].includes(el.tagName),
  );
  hosts[h]?.scrollIntoView({ block: 'center' });
}

export function liveSliders() {
  return [...document.querySelectorAll('*')]
    .filter(
      (el) =>
        el.tagName.startsWith('PW-') &&
        el.shadowRoot &&
        !['PW-BACKEND-STATUS', 'PW-PREDICT'].includes(el.tagName),
    )
    .map((el, h) => ({
      h,
      tag: el.tagName.toLowerCase(),
      sliders: el.shadowRoot.querySelectorAll('input[type=range]').length,
      computed: el.__pwComputed ?? 0,
    }));
}
