import { LitElement, css, html, nothing } from 'lit';
import { emit } from './events';
import { normalizeUpload } from '../lib/browser/upload';

export interface PickerItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly thumb?: string;
}

export interface ImageChangeDetail {
  readonly src: string;
  readonly title: string;
  readonly uploaded: boolean;
}

/**
 * @summary Lets the reader choose the image that one or more live elements compute on: one of
 * the site's photos or scenes, or their own file (button or drag and drop).
 *
 * @fires pw-image-change - `CustomEvent<{ src: string; title: string; uploaded: boolean }>`.
 * @csspart thumb - each thumbnail button.
 *
 * A bad upload (not an image, empty, corrupt, SVG, too large or too small) shows a message
 * with role="alert" and leaves the previous image selected.
 */
export class PwImagePicker extends LitElement {
  static override properties = {
    for: { type: String },
    items: { type: Array },
    value: { type: String, reflect: true },
    message: { state: true },
    busy: { state: true },
    dragging: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      margin: 0.5rem 0 1rem;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      align-items: center;
    }
    button.thumb {
      padding: 0;
      border: 2px solid transparent;
      border-radius: 0.3rem;
      background: none;
      cursor: pointer;
      line-height: 0;
    }
    button.thumb[aria-pressed='true'] {
      border-color: var(--pw-accent, #2456c9);
    }
    button.thumb img {
      inline-size: 3rem;
      block-size: 3rem;
      object-fit: cover;
      border-radius: 0.2rem;
    }
    button.thumb:focus-visible,
    label.upload:focus-within {
      outline: 3px solid var(--pw-focus, #2456c9);
      outline-offset: 2px;
    }
    label.upload {
      display: inline-flex;
      align-items: center;
      block-size: 3rem;
      padding: 0 0.75rem;
      border: 2px dashed var(--pw-border, #ccc);
      border-radius: 0.3rem;
      cursor: pointer;
      font-size: 0.85rem;
    }
    label.upload.dragging {
      border-color: var(--pw-accent, #2456c9);
    }
    input[type='file'] {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      opacity: 0;
    }
    .message {
      margin: 0.4rem 0 0;
      font-size: 0.85rem;
      color: var(--pw-error, #b00020);
    }
    .busy {
      font-size: 0.85rem;
      color: var(--pw-muted, #555);
    }
  `;

  /** Space-separated ids of elements whose `src` property this picker sets. */
  declare for: string;
  /** JSON array of `{ id, title, src, thumb? }` (server-known, written by the page). */
  declare items: PickerItem[];
  /** `src` of the initially selected item. */
  declare value: string;
  declare message: string;
  declare busy: boolean;
  declare dragging: boolean;

  private uploadedUrl: string | undefined;

  constructor() {
    super();
    this.for = '';
    this.items = [];
    this.value = '';
    this.message = '';
    this.busy = false;
    this.dragging = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.uploadedUrl) URL.revokeObjectURL(this.uploadedUrl);
    this.uploadedUrl = undefined;
  }

  /** Selects `src`, pushes it to the target elements and announces the change. */
  select(src: string, title: string, uploaded: boolean): void {
    this.value = src;
    for (const id of this.for.split(/\s+/).filter(Boolean)) {
      const target = document.getElementById(id);
      // Any element with a `src` property can be driven (all pw- lesson elements have one).
      if (target && 'src' in target) Object.assign(target, { src });
    }
    emit<ImageChangeDetail>(this, 'pw-image-change', { src, title, uploaded });
  }

  private async useFile(file: File | undefined): Promise<void> {
    if (!file) return;
    this.busy = true;
    this.message = '';
    const result = await normalizeUpload(file);
    this.busy = false;
    if (!result.ok) {
      this.message = `${result.message} The previous image is still shown.`;
      return;
    }
    const previous = this.uploadedUrl;
    this.uploadedUrl = result.url;
    this.select(result.url, file.name, true);
    // Elements load the new URL before they release the old one; give them a moment.
    if (previous) setTimeout(() => URL.revokeObjectURL(previous), 10_000);
  }

  private readonly onFile = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    void this.useFile(input.files?.[0]).finally(() => {
      input.value = '';
    });
  };

  private readonly onDragOver = (event: DragEvent): void => {
    event.preventDefault();
    this.dragging = true;
  };

  private readonly onDragLeave = (): void => {
    this.dragging = false;
  };

  private readonly onDrop = (event: DragEvent): void => {
    event.preventDefault();
    this.dragging = false;
    void this.useFile(event.dataTransfer?.files[0]);
  };

  override render() {
    return html`<div class="row" role="group" aria-label="Choose an image">
        ${this.items.map(
          (item) =>
            html`<button
              class="thumb"
              part="thumb"
              type="button"
              aria-pressed=${String(item.src === this.value)}
              title=${item.title}
              @click=${() => {
                this.message = '';
                this.select(item.src, item.title, false);
              }}
            >
              <img src=${item.thumb ?? item.src} alt=${item.title} loading="lazy" />
            </button>`,
        )}
        <label
          class="upload ${this.dragging ? 'dragging' : ''}"
          @dragover=${this.onDragOver}
          @dragleave=${this.onDragLeave}
          @drop=${this.onDrop}
        >
          <input type="file" accept="image/*" @change=${this.onFile} />
          Your own image…
        </label>
        ${this.busy ? html`<span class="busy" role="status">Reading the image…</span>` : nothing}
      </div>
      ${this.message ? html`<p class="message" role="alert">${this.message}</p>` : nothing}`;
  }
}

customElements.define('pw-image-picker', PwImagePicker);

declare global {
  interface HTMLElementTagNameMap {
    'pw-image-picker': PwImagePicker;
  }
}
