import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { emit } from './events';
import { classMapView, errorAlert, progressText, selectControl, statusLine } from './templates';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import { fcnLayers, totalParams, type NetworkLayer } from '../lib/fcn/network';
import type { LayerMaps } from '../lib/fcn/network-maps';
import { FCN_OUTPUT_STRIDE, type FcnVariant } from '../lib/fcn';
import type { FeatureLayer } from './pw-feature-grid';
import { UrlStateController } from './controllers/url-state';
import './pw-tensor-view';
import './pw-feature-grid';

/** Every layer's name (the same at every input size): what `selected` may be in a URL. */
const LAYER_NAMES = fcnLayers(32, 32).map((l) => l.name);

/** Grid place of each node: position along the flow, and lane (0 = encoder, 1..3 = decoder). */
const PLACE: Readonly<Record<string, readonly [number, number]>> = {
  input: [0, 0],
  conv1_1: [1, 0],
  pool1: [2, 0],
  conv2_1: [3, 0],
  pool2: [4, 0],
  conv3_1: [5, 0],
  conv3_2: [6, 0],
  pool3: [7, 0],
  conv4_1: [8, 0],
  conv4_2: [9, 0],
  pool4: [10, 0],
  conv5_1: [11, 0],
  pool5: [12, 0],
  fc6: [13, 0],
  fc7: [14, 0],
  score_fr: [15, 0],
  score_pool3: [7, 1],
  score_pool4: [10, 1],
  upscore2: [14, 1],
  fuse_pool4: [11, 2],
  upscore_pool4: [9, 2],
  fuse_pool3: [7, 2],
  upscore8: [7, 3],
  upscore16: [11, 3],
  upscore32: [15, 3],
};

const VARIANTS: readonly FcnVariant[] = ['32s', '16s', '8s'];

const OP_TEXT: Readonly<Record<NetworkLayer['op'], string>> = {
  conv: 'convolution + ReLU',
  pool: '2×2 max-pool, stride 2',
  score: '1×1 convolution to 11 class scores',
  upsample: 'learned 2× transposed convolution (starts bilinear)',
  fuse: 'sum of the upsampled scores and the skip scores',
  bilinear: 'fixed bilinear upsampling to the input size',
};

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const short = (n: number) =>
  n === 0 ? '–' : n < 1000 ? String(n) : `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
const shapeText = ([h, w, c]: readonly number[]) => (h === w ? `${h}²×${c}` : `${h}×${w}×${c}`);

/**
 * @summary The site's FCN as a live diagram built from its own layer list (`fcnLayers`): every
 * layer a node with its output shape for the current image, its stride, its receptive field and
 * its parameter count; the 32s/16s/8s heads and the skip arrows; the chosen variant's path
 * highlighted. Select a node to see that layer's feature maps on the image.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each forward pass (one per image: the
 *   variant only changes the highlight and the prediction shown).
 * @fires pw-layer - `CustomEvent<{ layer: string }>` when a node is selected.
 *
 * Keyboard: Tab to the diagram, arrow keys move between nodes, Enter or Space selects one.
 * Vertical when narrower than 44rem, horizontal otherwise.
 */
export class PwNetwork extends LitElement {
  static override properties = {
    src: { type: String },
    size: { type: Number },
    variant: { type: String, reflect: true },
    selected: { type: String, reflect: true },
    wide: { state: true },
    focusIndex: { state: true },
  };

  static override styles = [
    elementStyles,
    css`
      .maps-title {
        margin: 1rem 0 0.4rem;
        font-weight: 600;
      }
      :host {
        /* Wider than the text column where the viewport allows: the horizontal diagram needs it. */
        --pw-network-width: min(64rem, calc(100vw - 2rem));
        inline-size: var(--pw-network-width);
        max-inline-size: none;
        margin-inline: calc((100% - var(--pw-network-width)) / 2);
      }
      svg.diagram {
        display: block;
        inline-size: 100%;
        block-size: auto;
        font-family: inherit;
      }
      .node rect {
        fill: var(--pw-surface, #fff);
        stroke: var(--pw-border, #999);
        stroke-width: 1;
      }
      .node.on rect {
        stroke: var(--pw-text, #111);
      }
      .node.off {
        opacity: 0.35;
      }
      .node.selected rect {
        fill: color-mix(in srgb, var(--pw-accent, #2456c9) 22%, var(--pw-surface, #fff));
        stroke: var(--pw-accent, #2456c9);
        stroke-width: 2.5;
      }
      .node:focus-visible {
        outline: 3px solid var(--pw-focus, #2456c9);
        outline-offset: 1px;
      }
      .node:focus-visible rect {
        stroke: var(--pw-focus, #2456c9);
        stroke-width: 3.5;
        stroke-dasharray: 4 2;
      }
      .node {
        cursor: pointer;
      }
      .node text {
        fill: var(--pw-text, #111);
        font-size: 10px;
        font-variant-numeric: tabular-nums;
      }
      .node text.name {
        font-weight: 700;
      }
      .node text.meta {
        fill: var(--pw-muted, #555);
      }
      .node text.small {
        font-size: 9px;
      }
      .node text.params {
        text-anchor: end;
      }
      .key {
        font-size: 0.85rem;
        color: var(--pw-muted, #555);
        margin: 0.25rem 0 0.5rem;
      }
      .node.kind-pool rect {
        fill: var(--pw-canvas-bg, #eee);
      }
      .node.kind-score rect,
      .node.kind-fuse rect,
      .node.kind-upsample rect,
      .node.kind-bilinear rect {
        stroke-dasharray: none;
      }
      .edge {
        fill: none;
        stroke: var(--pw-muted, #777);
        stroke-width: 1.2;
      }
      .edge.skip {
        stroke: var(--pw-warn, #9a5b00);
        stroke-width: 2;
      }
      .edge.off {
        opacity: 0.2;
      }
      .arrow {
        fill: var(--pw-muted, #777);
      }
      .arrow.skip {
        fill: var(--pw-warn, #9a5b00);
      }
      .details {
        margin: 0.5rem 0;
        font-size: 0.9rem;
      }
      .panels {
        margin-top: 0.75rem;
      }
      .totals {
        font-size: 0.9rem;
        font-variant-numeric: tabular-nums;
      }
      .swatch {
        display: inline-block;
        inline-size: 1.5rem;
        block-size: 0;
        border-top: 2px solid var(--pw-warn, #9a5b00);
        vertical-align: middle;
        margin-inline-end: 0.25rem;
      }
    `,
  ];

  /** URL of the image (centre-cropped and resized to `size`). */
  declare src: string;
  /** Working side in pixels, a multiple of 32 (default 128). */
  declare size: number;
  /** '32s' | '16s' | '8s' (default '8s'). */
  declare variant: FcnVariant;
  /** The selected layer (default 'pool5'). */
  declare selected: string;
  declare wide: boolean;
  declare focusIndex: number;

  private resizeObserver: ResizeObserver | undefined;

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'variant:32s|16s|8s',
    `selected:${LAYER_NAMES.join('|')}`,
    'src',
  ]);

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.size }));
  private readonly maps = new TensorTaskController(this, {
    announce: true,
    args: () => (this.photo.value ? ([this.photo.value] as const) : undefined),
    // The forward pass runs in the compute worker (compute-registry.ts 'layer-maps').
    task: async ([photo], { signal }) =>
      fromWire<LayerMaps>(await compute('layer-maps', { image: photo }, {}, { signal })),
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.maps);
  };

  constructor() {
    super();
    this.src = '';
    this.size = 128;
    this.variant = '8s';
    this.selected = 'pool5';
    this.wide = true;
    this.focusIndex = -1;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
    this.resizeObserver = new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? 0;
      const wide = width >= 700;
      if (wide !== this.wide) this.wide = wide;
    });
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
    super.disconnectedCallback();
  }

  /** The layer list for the current size (every head), and the input as node 0. */
  layers(): NetworkLayer[] {
    return fcnLayers(this.size, this.size);
  }

  private nodes(): { name: string; layer: NetworkLayer | undefined }[] {
    return [
      { name: 'input', layer: undefined },
      ...this.layers().map((layer) => ({ name: layer.name, layer })),
    ];
  }

  private select(name: string): void {
    const layer = this.layers().find((l) => l.name === name);
    // A head's node belongs to one variant: selecting it switches the highlighted path.
    if (layer && !layer.variants.includes(this.variant)) this.variant = layer.variants[0] ?? '8s';
    this.selected = name;
    emit(this, 'pw-layer', { layer: name });
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    const names = this.nodes().map((n) => n.name);
    const here = Math.max(0, this.focusIndex < 0 ? names.indexOf(this.selected) : this.focusIndex);
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
    };
    let next: number;
    if (event.key in step) next = here + (step[event.key] ?? 0);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = names.length - 1;
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const name = names[here];
      if (name) this.select(name);
      return;
    } else return;
    event.preventDefault();
    this.focusIndex = Math.min(names.length - 1, Math.max(0, next));
    void this.updateComplete.then(() => {
      this.renderRoot
        .querySelector<SVGGElement>(`[data-node="${names[this.focusIndex]}"]`)
        ?.focus();
    });
  };

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has('selected')) this.focusIndex = -1;
  }

  private layout() {
    const wide = this.wide;
    // Horizontal: 16 positions across, 4 lanes down. Vertical: the same grid turned, with a
    // wide encoder lane (two lines of text) and three narrow decoder lanes.
    const laneX = [0, 116, 198, 280];
    const laneW = [112, 78, 78, 78];
    const box = (name: string): Box => {
      const [m, lane] = PLACE[name] ?? [0, 0];
      if (wide) return { x: 4 + m * 63, y: 4 + lane * 82, w: 60, h: 60 };
      return { x: 2 + (laneX[lane] ?? 0), y: 4 + m * 48, w: laneW[lane] ?? 78, h: 40 };
    };
    const width = wide ? 4 + 16 * 63 : 362;
    const height = wide ? 4 + 4 * 82 : 4 + 16 * 48;
    return { box, width, height, wide };
  }

  /** What a node box shows: its text lines, and the parameter count set apart when it fits. */
  private nodeLines(name: string, layer: NetworkLayer | undefined, b: Box, wide: boolean) {
    const shape = layer ? layer.shape : [this.size, this.size, 3];
    const meta = layer ? `s${layer.stride} rf${layer.field}` : 'RGB';
    const params = layer ? short(layer.params) : '';
    const narrow = !wide && b.w < 100;
    const lines = wide
      ? [name, shapeText(shape), meta, params]
      : narrow
        ? [name, shapeText(shape), meta]
        : [name, `${shapeText(shape)} ${meta}`];
    const aside = !wide && !narrow && params ? params : '';
    return { lines, aside, narrow };
  }

  private nodeText(name: string, layer: NetworkLayer | undefined, b: Box, wide: boolean) {
    const { lines, aside: params, narrow } = this.nodeLines(name, layer, b, wide);
    const lh = wide ? 13 : narrow ? 11.5 : 14;
    const top = b.y + (b.h - lh * lines.length) / 2 + lh * 0.75;
    return svg`${lines.map(
      (t, i) =>
        svg`<text class=${i === 0 ? `name ${narrow ? 'small' : ''}` : 'meta'} x=${b.x + 4} y=${top + i * lh}>${t}</text>`,
    )}${
      !wide && !narrow && params
        ? svg`<text class="meta params" x=${b.x + b.w - 4} y=${top}>${params}</text>`
        : nothing
    }`;
  }

  private diagram() {
    const { box, width, height, wide } = this.layout();
    const layers = this.layers();
    const on = (l: NetworkLayer | undefined) => !l || l.variants.includes(this.variant);
    const edges = layers.flatMap((l) =>
      l.inputs.map((from) => {
        const a = box(from);
        const b = box(l.name);
        const skip = (from === 'pool3' || from === 'pool4') && l.op === 'score';
        const [x1, y1, x2, y2] = wide
          ? a.y === b.y
            ? a.x < b.x
              ? [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2]
              : [a.x, a.y + a.h / 2, b.x + b.w, b.y + b.h / 2]
            : [a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y]
          : a.x === b.x
            ? a.y < b.y
              ? [a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y]
              : [a.x + a.w / 2, a.y, b.x + b.w / 2, b.y + b.h]
            : [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2];
        const cls = `edge ${skip ? 'skip' : ''} ${on(l) ? '' : 'off'}`;
        return svg`<line class=${cls} data-from=${from} data-to=${l.name}
          x1=${x1} y1=${y1} x2=${x2} y2=${y2}
          marker-end=${skip ? 'url(#pw-arrow-skip)' : 'url(#pw-arrow)'}></line>`;
      }),
    );
    const nodes = this.nodes();
    const tabbed = this.focusIndex >= 0 ? nodes[this.focusIndex]?.name : this.selected;
    const nodeMarks = nodes.map(({ name, layer }) => {
      const b = box(name);
      const selected = name === this.selected;
      // The accessible name is the box's own visible text (WCAG 2.5.3); the description spells it out.
      const { lines, aside } = this.nodeLines(name, layer, b, wide);
      const visible = [...lines, aside].filter((t) => t !== '').join(' ');
      const label = layer
        ? `${visible}: ${OP_TEXT[layer.op]}; output ${layer.shape.join(' by ')}; stride ${layer.stride}; receptive field ${layer.field} pixels; ${layer.params} parameters${on(layer) ? '' : `; not in FCN-${this.variant}`}`
        : `${visible}: input image, ${this.size} by ${this.size} by 3`;
      return svg`<g class=${`node kind-${layer?.op ?? 'input'} ${on(layer) ? 'on' : 'off'} ${selected ? 'selected' : ''}`}
        data-node=${name} role="button" tabindex=${name === tabbed ? 0 : -1}
        aria-pressed=${selected ? 'true' : 'false'} aria-description=${label}
        @click=${() => this.select(name)}>
        <rect x=${b.x} y=${b.y} width=${b.w} height=${b.h} rx="4"></rect>
        ${this.nodeText(name, layer, b, wide)}
      </g>`;
    });
    return html`<svg
      class="diagram"
      viewBox="0 0 ${width} ${height}"
      role="group"
      aria-label=${`The FCN's ${layers.length} layers; FCN-${this.variant}'s path highlighted. Arrow keys move between layers, Enter selects one.`}
      @keydown=${this.onKey}
    >
      <defs>
        <marker
          id="pw-arrow"
          viewBox="0 0 8 8"
          refX="8"
          refY="4"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path class="arrow" d="M0,0 L8,4 L0,8 z"></path>
        </marker>
        <marker
          id="pw-arrow-skip"
          viewBox="0 0 8 8"
          refX="8"
          refY="4"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path class="arrow skip" d="M0,0 L8,4 L0,8 z"></path>
        </marker>
      </defs>
      ${edges} ${nodeMarks}
    </svg>`;
  }

  private details(layer: NetworkLayer | undefined) {
    if (!layer) {
      return html`<p class="details">
        <strong>input</strong>: the image, ${this.size}×${this.size}×3, RGB in [0, 1].
      </p>`;
    }
    const from = layer.inputs.join(' + ');
    return html`<p class="details">
      <strong>${layer.name}</strong>:
      ${OP_TEXT[layer.op]}${layer.kernel && layer.op === 'conv' ? html` (${layer.kernel}×${layer.kernel})` : nothing}
      of ${from}. Output ${shapeText(layer.shape)}; one cell every ${layer.stride} input
      pixel${layer.stride === 1 ? '' : 's'}, each depending on a ${layer.field}×${layer.field}
      square of them; ${fmt(layer.params)} learned parameters. In
      ${VARIANTS.filter((v) => layer.variants.includes(v))
        .map((v) => `FCN-${v}`)
        .join(', ')}.
    </p>`;
  }

  override render() {
    const layers = this.layers();
    const layer = layers.find((l) => l.name === this.selected);
    const maps = this.maps.value;
    const error = this.photo.error ?? this.maps.error;
    const featureLayers: FeatureLayer[] = maps
      ? Object.entries(maps.layers).map(([name, tensor]) => ({ name, tensor }))
      : [];
    const shown = this.selected === 'input' ? undefined : maps?.layers[this.selected];
    const logits = maps?.layers[`upscore${FCN_OUTPUT_STRIDE[this.variant]}`];
    const used = totalParams(layers.filter((l) => l.variants.includes(this.variant)));
    return html`<div class="controls">
        ${selectControl({
          label: 'Highlight the path of',
          options: [...VARIANTS].reverse().map((v) => ({ value: v, label: `FCN-${v}` })),
          value: this.variant,
          onChange: (v) => (this.variant = v),
        })}
        <span class="totals"
          >${fmt(totalParams(layers))} learned parameters in all;
          ${
            used === totalParams(layers)
              ? `FCN-${this.variant} uses every one (the shallower heads leave out the skip layers)`
              : `FCN-${this.variant} uses ${fmt(used)} of them (it leaves out the skip layers it does not have)`
          }.</span
        >
        <span class="totals"><span class="swatch"></span>skip connections</span>
      </div>
      <p class="key">
        Each box: layer name, output shape (height² × channels), s = stride and rf = receptive field
        in input pixels, learned parameters (– for none).
      </p>
      ${this.diagram()} ${this.details(layer)}
      <div class="panels">
        ${
          this.photo.value
            ? html`<pw-tensor-view
                .tensor=${this.photo.value}
                mode="rgb"
                label="Input image"
              ></pw-tensor-view>`
            : nothing
        }
        ${logits ? classMapView(logits, `FCN-${this.variant} prediction`) : nothing}
      </div>
      ${
        shown && maps
          ? html`<p class="maps-title">Feature maps of ${this.selected}</p>
              <pw-feature-grid .layers=${featureLayers} layer=${this.selected}></pw-feature-grid>`
          : nothing
      }
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(
        undefined,
        error
          ? ''
          : progressText(
              this.maps,
              (ms) => `Forward pass (all three heads) in ${ms.toFixed(0)} ms`,
              'Loading the network and computing…',
            ),
      )}`;
  }
}

customElements.define('pw-network', PwNetwork);

declare global {
  interface HTMLElementTagNameMap {
    'pw-network': PwNetwork;
  }
}
