/**
 * Share a figure: its settings live in the page URL under one key (the element's id), so a link
 * reopens the figure as the reader left it; "Copy link" copies that link (scrolled to the
 * figure) and "Download PNG" saves the figure's canvases with its caption.
 *
 * An element opts in with one line, listing the properties that make up its state:
 *
 *     private readonly share = new UrlStateController(this, ['size:int:1..8', 'mode:max|avg', 'src']);
 *
 * Each entry is `name:int:min..max`, `name:num:min..max`, `name:a|b|c` (one of those strings),
 * `name:bool`, or `src`: the image, stored as the id of the item the page's picker offers (the
 * `pw-image-picker` whose `for` names this element); an uploaded image has no id and is never
 * put in a URL. In the URL: `?pool-demo=size:8,mode:avg,src:gravel`; only values that differ
 * from the page's own are written. A value that does not parse, is out of range or names no item
 * is ignored: the figure keeps the page's default. Nothing is stored anywhere else.
 */
import type { ReactiveController, ReactiveElement } from 'lit';
import { invalid } from '../../lib/validate';

type Field =
  | { name: string; kind: 'int' | 'num'; min: number; max: number }
  | { name: string; kind: 'enum'; values: readonly string[] }
  | { name: string; kind: 'bool' }
  | { name: 'src'; kind: 'src' };

type Host = ReactiveElement & Record<string, unknown>;

interface PickerItem {
  id: string;
  title: string;
  src: string;
}

/** Parses one spec entry; a malformed spec is a programming error and throws. */
function parseField(spec: string): Field {
  if (spec === 'src') return { name: 'src', kind: 'src' };
  const [name = '', kind = '', range = ''] = spec.split(':');
  if (!/^[A-Za-z]\w*$/.test(name)) invalid('url-state field', spec, 'name:kind[:range]');
  if (kind === 'bool') return { name, kind };
  if (kind === 'int' || kind === 'num') {
    const [min, max] = range.split('..').map(Number);
    if (min === undefined || max === undefined || !(min <= max)) {
      invalid('url-state range', spec, `${name}:${kind}:min..max`);
    }
    return { name, kind, min, max };
  }
  const values = kind.split('|').filter(Boolean);
  if (values.length < 2) invalid('url-state field', spec, 'int, num, bool or a|b choices');
  return { name, kind: 'enum', values };
}

/** `value` as this field's type, or undefined if it is not a valid value for it. */
function decode(field: Field, text: string): unknown {
  switch (field.kind) {
    case 'int':
    case 'num': {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
      const v = Number(text);
      if (field.kind === 'int' && !Number.isInteger(v)) return undefined;
      return v >= field.min && v <= field.max ? v : undefined;
    }
    case 'enum':
      return field.values.includes(text) ? text : undefined;
    case 'bool':
      return text === '1' ? true : text === '0' ? false : undefined;
    case 'src':
      return text;
  }
}

function encode(field: Field, value: unknown): string {
  if (field.kind === 'bool') return value ? '1' : '0';
  return String(value);
}

/** The query string with `key` set to `value` (or removed), keeping `:` and `,` readable. */
function withParam(search: string, key: string, value: string | undefined): string {
  const params = new URLSearchParams(search);
  if (value === undefined) params.delete(key);
  else params.set(key, value);
  const parts = [...params].map(
    ([k, v]) =>
      `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%3A/g, ':').replace(/%2C/g, ',')}`,
  );
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Every canvas in `root` and in the shadow roots below it, in document order. */
function canvasesIn(root: ParentNode): HTMLCanvasElement[] {
  return [...root.querySelectorAll('*')].flatMap((el) => [
    ...(el instanceof HTMLCanvasElement ? [el] : []),
    ...(el.shadowRoot ? canvasesIn(el.shadowRoot) : []),
  ]);
}

/** Parsed picker item lists by their JSON text: a figure's every render asks for them. */
const parsedItems = new Map<string, PickerItem[]>();

function parseItems(json: string): PickerItem[] {
  let items = parsedItems.get(json);
  if (!items) {
    try {
      const parsed: unknown = JSON.parse(json);
      items = Array.isArray(parsed) ? (parsed as PickerItem[]) : [];
    } catch {
      items = [];
    }
    parsedItems.set(json, items);
  }
  return items;
}

const TOOLBAR_STYLE = `
  .pw-share { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center;
    margin-top: 0.75rem; font-size: 0.875rem; }
  .pw-share button { font: inherit; padding: 0.2rem 0.6rem; }
  .pw-share [role=status] { color: var(--pw-muted, #555); }
  .pw-share input { font: inherit; inline-size: min(24rem, 100%); }
`;

export class UrlStateController implements ReactiveController {
  private readonly host: Host;
  private readonly fields: Field[];
  private defaults = new Map<string, unknown>();
  private written: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private toolbar: HTMLElement | undefined;

  constructor(host: ReactiveElement, specs: readonly string[]) {
    this.host = host as Host;
    this.fields = specs.map(parseField);
    host.addController(this);
  }

  /** The URL key: the element's id (the page gives every shared figure one). */
  get key(): string {
    return this.host.id;
  }

  hostConnected(): void {
    if (!this.key) return;
    // The page's own values (attributes are applied by now): what a bad URL value falls back to.
    this.defaults = new Map(this.fields.map((f) => [f.name, this.host[f.name]]));
    this.restore();
  }

  hostDisconnected(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  hostUpdated(): void {
    if (!this.key) return;
    this.ensureToolbar();
    const state = this.serialize();
    if (this.written === undefined) {
      this.written = state;
      return;
    }
    if (state === this.written) return;
    this.written = state;
    // Debounced: a dragged slider would otherwise rewrite the URL at every step.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const search = withParam(location.search, this.key, state || undefined);
      history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
    }, 250);
  }

  /** The items offered by the page's pickers that drive this element. */
  private pickerItems(): { picker: Element; items: PickerItem[] }[] {
    return [...document.querySelectorAll('pw-image-picker')]
      .filter((p) => (p.getAttribute('for') ?? '').split(/\s+/).includes(this.key))
      .map((picker) => ({ picker, items: parseItems(picker.getAttribute('items') ?? '[]') }));
  }

  /** Applies the valid values of this figure's URL key; anything else is ignored. */
  private restore(): void {
    const text = new URLSearchParams(location.search).get(this.key);
    if (!text) return;
    for (const pair of text.split(',')) {
      const at = pair.indexOf(':');
      const name = pair.slice(0, at);
      const field = this.fields.find((f) => f.name === name);
      if (at < 0 || !field) continue;
      const value = decode(field, pair.slice(at + 1));
      if (value === undefined) continue;
      if (field.kind === 'src') this.restoreImage(pair.slice(at + 1));
      else this.host[field.name] = value;
    }
  }

  private restoreImage(id: string): void {
    for (const { picker, items } of this.pickerItems()) {
      const item = items.find((i) => i.id === id);
      if (!item) continue;
      this.host['src'] = item.src;
      // The picker shows the choice and hands it to the figures it drives, as a click would.
      void customElements.whenDefined('pw-image-picker').then(() => {
        const p = picker as Element & { select?: (s: string, t: string, u: boolean) => void };
        p.select?.(item.src, item.title, false);
      });
      return;
    }
  }

  /** `name:value,...` of the values that differ from the page's (empty when none do). */
  private serialize(): string {
    const parts: string[] = [];
    for (const field of this.fields) {
      const value = this.host[field.name];
      if (value === this.defaults.get(field.name)) continue;
      if (field.kind === 'src') {
        const id = this.pickerItems()
          .flatMap((p) => p.items)
          .find((i) => i.src === value)?.id;
        // An upload (blob: URL) has no id: it stays on the reader's machine.
        if (id !== undefined) parts.push(`src:${id}`);
      } else {
        parts.push(`${field.name}:${encode(field, value)}`);
      }
    }
    return parts.join(',');
  }

  /** This figure's link: the page with only its own key, scrolled to it. */
  link(): string {
    const state = this.serialize();
    return `${location.origin}${location.pathname}${withParam('', this.key, state || undefined)}#${this.key}`;
  }

  private ensureToolbar(): void {
    const root = this.host.shadowRoot;
    if (!root || (this.toolbar && this.toolbar.isConnected)) return;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(TOOLBAR_STYLE);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    const bar = document.createElement('div');
    bar.className = 'pw-share';
    bar.setAttribute('part', 'share');
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'share-link';
    copy.textContent = 'Copy link to this figure';
    const png = document.createElement('button');
    png.type = 'button';
    png.className = 'share-png';
    png.textContent = 'Download PNG';
    const status = document.createElement('span');
    status.setAttribute('role', 'status');
    copy.addEventListener('click', () => void this.copyLink(bar, status));
    png.addEventListener('click', () => this.downloadPng(status));
    bar.append(copy, png, status);
    root.append(bar);
    this.toolbar = bar;
  }

  private async copyLink(bar: HTMLElement, status: HTMLElement): Promise<void> {
    const url = this.link();
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = 'Link copied.';
    } catch {
      // No clipboard permission: show the link, selected, for the reader to copy.
      let field = bar.querySelector('input');
      if (!field) {
        field = document.createElement('input');
        field.readOnly = true;
        field.setAttribute('aria-label', 'Link to this figure');
        bar.append(field);
      }
      field.value = url;
      field.focus();
      field.select();
      status.textContent = 'Copy the selected link.';
    }
  }

  /** The figure's drawn canvases in a row (wrapping), its caption underneath, as a PNG. */
  private downloadPng(status: HTMLElement): void {
    const canvases = canvasesIn(this.host.shadowRoot ?? this.host).filter(
      (c) => c.width > 0 && c.height > 0 && c.getClientRects().length > 0,
    );
    if (canvases.length === 0) {
      status.textContent = 'Nothing drawn yet.';
      return;
    }
    const caption = this.host.nextElementSibling?.classList.contains('caption')
      ? (this.host.nextElementSibling.textContent ?? '').replace(/\s+/g, ' ').trim()
      : '';
    const cell = 256;
    const gap = 8;
    const perRow = Math.min(4, canvases.length);
    const rows = Math.ceil(canvases.length / perRow);
    const width = perRow * cell + (perRow + 1) * gap;
    const out = document.createElement('canvas');
    const ctx = out.getContext('2d');
    if (!ctx) return;
    ctx.font = '14px sans-serif';
    const lines = wrap(ctx, caption, width - 2 * gap);
    out.width = width;
    out.height = rows * (cell + gap) + gap + lines.length * 18 + (lines.length > 0 ? gap : 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.imageSmoothingEnabled = false;
    canvases.forEach((c, i) => {
      const scale = Math.min(cell / c.width, cell / c.height);
      const x = gap + (i % perRow) * (cell + gap);
      const y = gap + Math.floor(i / perRow) * (cell + gap);
      ctx.drawImage(c, x, y, c.width * scale, c.height * scale);
    });
    ctx.fillStyle = '#1b1b1f';
    ctx.font = '14px sans-serif';
    lines.forEach((line, i) => ctx.fillText(line, gap, rows * (cell + gap) + gap + 14 + i * 18));
    out.toBlob((blob) => {
      if (!blob) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `pixelwise-${this.key}.png`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      status.textContent = 'PNG saved.';
    }, 'image/png');
  }
}

/** `text` broken into lines no wider than `width` in the context's font. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}
