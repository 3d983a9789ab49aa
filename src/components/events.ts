/**
 * How elements tell the page something happened: every `pw-*` event is a `CustomEvent` that
 * bubbles and crosses shadow roots (composed), so a page script can listen on any ancestor.
 */

/** Dispatch `name` with `detail` from `host` (bubbling, composed); false if a listener cancelled it. */
export function emit<T>(host: EventTarget, name: string, detail: T): boolean {
  return host.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
}
