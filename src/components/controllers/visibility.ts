/**
 * Compute what is seen: an element's tensor work waits until the element comes within about one
 * screen of the viewport. Elements on screen start at once; those only near it start one at a
 * time, in document order, when the page has no other work in flight (the visible ones first),
 * or as soon as they scroll into view. Once started, an element stays live.
 *
 * Two IntersectionObservers serve every element. An element near the viewport that waits its
 * turn counts as work in flight (`pixelwiseActivity.pending`), so an idle page is one where
 * everything near the viewport has drawn. Without IntersectionObserver everything starts at once.
 */
import '../../lib/browser/activity';

declare global {
  /** For tests: how many elements still wait to come near the viewport. */
  var pixelwiseVisibility: { waiting: number } | undefined;
}

/** How far beyond the viewport an element counts as near: one screen above and below. */
const NEAR_MARGIN = '100% 0px 100% 0px';
/** How often a waiting element checks whether the page is idle, ms. */
const TURN_MS = 100;

const activity = (globalThis.pixelwiseActivity ??= { pending: 0 });
const handle = (globalThis.pixelwiseVisibility ??= { waiting: 0 });
const waiting = new Map<Element, Set<() => void>>();
/** Near the viewport, waiting for the page to be idle; each counts once in `activity`. */
const queued = new Set<Element>();
const started = new WeakSet<Element>();
let observers: { near: IntersectionObserver; view: IntersectionObserver } | undefined;
let turnTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Calls `onSeen` once `element` may compute: at once if it already did, else when it comes near
 * the viewport and its turn comes, or when it scrolls into view. Returns a function that cancels
 * the wait (an element leaving the page).
 */
export function whenSeen(element: Element, onSeen: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined' || started.has(element)) {
    onSeen();
    return () => undefined;
  }
  let callbacks = waiting.get(element);
  if (!callbacks) {
    callbacks = new Set();
    waiting.set(element, callbacks);
    handle.waiting = waiting.size;
    const { near, view } = getObservers();
    near.observe(element);
    view.observe(element);
  }
  callbacks.add(onSeen);
  return () => {
    const set = waiting.get(element);
    if (!set?.delete(onSeen) || set.size > 0) return;
    forget(element);
  };
}

function getObservers() {
  observers ??= {
    near: new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!waiting.has(e.target)) continue;
          if (e.isIntersecting) enqueue(e.target);
          else dequeue(e.target);
        }
        scheduleTurn();
      },
      { rootMargin: NEAR_MARGIN },
    ),
    view: new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) start(e.target);
    }),
  };
  return observers;
}

function enqueue(element: Element): void {
  if (queued.has(element)) return;
  queued.add(element);
  activity.pending++;
}

function dequeue(element: Element): void {
  if (queued.delete(element)) activity.pending--;
}

function forget(element: Element): void {
  waiting.delete(element);
  handle.waiting = waiting.size;
  dequeue(element);
  observers?.near.unobserve(element);
  observers?.view.unobserve(element);
}

function start(element: Element): void {
  const callbacks = waiting.get(element);
  if (!callbacks) return;
  forget(element);
  started.add(element);
  for (const onSeen of callbacks) onSeen();
}

/** Starts the first waiting element (in document order) whenever nothing else is in flight. */
function scheduleTurn(): void {
  if (turnTimer !== undefined || queued.size === 0) return;
  turnTimer = setTimeout(() => {
    turnTimer = undefined;
    if (activity.pending === queued.size) {
      const [first] = [...queued].sort((a, b) =>
        a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
      );
      if (first) start(first);
    }
    scheduleTurn();
  }, TURN_MS);
}

/** Figures that hold a reserved height (FigureHeights.astro) until the page is idle. */
const releasing = new Set<HTMLElement>();
const released = new WeakSet<Element>();
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * The figure's first result is in: it gives back the height its page reserved for it (see
 * FigureHeights.astro) and takes its own, once the page is idle (its nested views have drawn
 * too), so it does not shrink and grow again meanwhile.
 */
export function releaseHeight(element: Element): void {
  if (released.has(element) || !(element instanceof HTMLElement)) return;
  released.add(element);
  releasing.add(element);
  releaseWhenIdle();
}

function releaseWhenIdle(): void {
  if (releaseTimer !== undefined || releasing.size === 0) return;
  releaseTimer = setTimeout(() => {
    releaseTimer = undefined;
    if (activity.pending === queued.size) {
      for (const element of releasing) element.style.minBlockSize = '0px';
      releasing.clear();
    }
    releaseWhenIdle();
  }, TURN_MS);
}
