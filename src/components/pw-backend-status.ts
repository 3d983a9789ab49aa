import { LitElement, css, html } from 'lit';
import {
  backendEvents,
  ensureBackend,
  lastBackendEvent,
  type BackendEventDetail,
} from '../lib/browser/backend';

/**
 * @summary The page's compute badge: shows loading progress while tfjs starts, then which
 * backend runs (webgl / wasm / cpu), with a plain-language notice when it is not WebGL.
 *
 * Starts the backend itself, so a page with this element begins loading tfjs at once. If the
 * WebGL context is lost later, it says so and offers a "Reload figures" button.
 * @csspart badge - the small backend label.
 */
export class PwBackendStatus extends LitElement {
  static override properties = { state: { state: true } };
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
    .notice {
      margin: 0.5rem 0 0;
      padding: 0.5rem 0.75rem;
      border-left: 4px solid var(--pw-warn, #b26a00);
      background: var(--pw-surface, #fff);
      font-size: 0.9rem;
    }
  `;

  declare state: BackendEventDetail;
  private readonly onBackend = (event: Event) => {
    this.state = (event as CustomEvent<BackendEventDetail>).detail;
  };

  constructor() {
    super();
    this.state = lastBackendEvent;
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
        <p class="notice" role="alert">
          ${s.message} The text and static figures are unaffected.
          <button type="button" @click=${() => location.reload()}>Reload figures</button>
        </p>`;
    }
    if (s.phase === 'failed') {
      return html`<span class="badge" part="badge" data-backend="none">no compute</span>
        <p class="notice" role="alert">
          Live figures cannot run in this browser (${s.message}). The text and static figures still
          tell the whole story.
        </p>`;
    }
    return html`<span
        class="badge"
        part="badge"
        data-backend=${s.info.name}
        title="TensorFlow.js backend computing the figures"
        >compute: ${s.info.name}</span
      >${s.info.notice ? html`<p class="notice" role="note">${s.info.notice}</p>` : ''}`;
  }
}

customElements.define('pw-backend-status', PwBackendStatus);

declare global {
  interface HTMLElementTagNameMap {
    'pw-backend-status': PwBackendStatus;
  }
}
