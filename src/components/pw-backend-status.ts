import { LitElement, css, html } from 'lit';
import {
  backendEvents,
  ensureBackend,
  lastBackendEvent,
  type BackendEventDetail,
} from '../lib/browser/backend';

const DISMISSED_KEY = 'pw-dismissed-notice';

function readDismissed(): string {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * @summary The page's compute badge: shows loading progress while tfjs starts, then which
 * backend runs (webgl / wasm / cpu), with a plain-language notice when it is not WebGL.
 *
 * Starts the backend itself, so a page with this element begins loading tfjs at once. If the
 * WebGL context is lost later, it says so and offers a "Reload figures" button.
 * @csspart badge - the small backend label.
 */
export class PwBackendStatus extends LitElement {
  static override properties = { state: { state: true }, dismissed: { state: true } };
  static override styles = css`
    :host {
      display: contents;
    }
    .badge {
      display: inline-block;
      padding: 0.1rem 0.5rem;
      border-radius: 1rem;
      font-size: 0.8rem;
      border: 1px solid var(--pw-border, #ccc);
      background: var(--pw-surface, #fff);
      white-space: nowrap;
    }
    .badge[data-backend='webgl'] {
      border-color: var(--pw-good, #2e7d32);
    }
    .notice button {
      font: inherit;
      margin-left: 0.5rem;
    }
    /* A toast at the bottom of the viewport, not a block above the lesson: it arrives after
       the backend starts, and a block would push the whole page down (layout shift). */
    .notice {
      position: fixed;
      inset-block-end: 0.75rem;
      inset-inline: 0.75rem;
      margin: 0 auto;
      max-inline-size: 34rem;
      max-block-size: 40vh;
      overflow: auto;
      z-index: 10;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--pw-border, #ccc);
      border-left: 4px solid var(--pw-warn, #b26a00);
      border-radius: 0.35rem;
      background: var(--pw-surface, #fff);
      box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 0.2);
      font-size: 0.9rem;
    }
  `;

  declare state: BackendEventDetail;
  /**
   * The notice the reader dismissed (its text); a different notice shows again. Kept for the
   * browser session (sessionStorage), so the next lesson does not repeat it.
   */
  declare dismissed: string;
  private readonly onBackend = (event: Event) => {
    this.state = (event as CustomEvent<BackendEventDetail>).detail;
  };

  constructor() {
    super();
    this.state = lastBackendEvent;
    this.dismissed = readDismissed();
  }

  /** A notice toast: `body` and its buttons, with "Dismiss" (unless dismissed already). */
  private notice(role: 'alert' | 'note', key: string, body: unknown, action: unknown = '') {
    if (this.dismissed === key) return '';
    return html`<p class="notice" role=${role}>
      ${body} ${action}
      <button type="button" @click=${() => this.dismiss(key)}>Dismiss</button>
    </p>`;
  }

  private dismiss(key: string): void {
    this.dismissed = key;
    try {
      sessionStorage.setItem(DISMISSED_KEY, key);
    } catch {
      // Storage may be off (private mode, a sandboxed frame): dismissed for this page only.
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    backendEvents.addEventListener('backend', this.onBackend);
    this.state = lastBackendEvent;
    ensureBackend().catch(() => {
      // The failure arrives as a 'failed' event and is rendered; nothing else to do here.
    });
  }

  override disconnectedCallback(): void {
    backendEvents.removeEventListener('backend', this.onBackend);
    super.disconnectedCallback();
  }

  override render() {
    const s = this.state;
    if (s.phase === 'loading') {
      return html`<span class="badge" part="badge" data-backend="loading" role="status"
        ><span aria-hidden="true">⏳</span> ${s.message}</span
      >`;
    }
    if (s.phase === 'lost') {
      return html`<span class="badge" part="badge" data-backend="lost">compute: stopped</span>
        ${this.notice(
          'alert',
          `lost ${s.message}`,
          `${s.message} The text and static figures are unaffected.`,
          html`<button type="button" @click=${() => location.reload()}>Reload figures</button>`,
        )}`;
    }
    if (s.phase === 'failed') {
      return html`<span class="badge" part="badge" data-backend="none">no compute</span>
        ${this.notice(
          'alert',
          `failed ${s.message}`,
          `Live figures cannot run in this browser (${s.message}). The text and static figures still tell the whole story.`,
        )}`;
    }
    return html`<span
        class="badge"
        part="badge"
        data-backend=${s.info.name}
        title="TensorFlow.js backend computing the figures"
        >compute: ${s.info.name}</span
      >${s.info.notice ? this.notice('note', `note ${s.info.notice}`, s.info.notice) : ''}`;
  }
}

customElements.define('pw-backend-status', PwBackendStatus);

declare global {
  interface HTMLElementTagNameMap {
    'pw-backend-status': PwBackendStatus;
  }
}
