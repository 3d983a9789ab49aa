import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { emit } from './events';
import { progressText, statusLine, errorLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { drawTensor } from '../lib/browser/image';
import { DEFAULT_CRF_PARAMS, type ScribbleDab } from '../lib/crf/index';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import { type CrfSlider, crfSliderStyles, renderCrfSlider } from './crf-sliders';
import { TABLEAU10, cssRgb, type Rgb } from '../lib/palettes';
import { UrlStateController } from './controllers/url-state';
import './pw-tensor-view';

const BRUSHES = ['red', 'blue', 'green', 'yellow'] as const;
/** The brushes' colours, in BRUSHES order: Tableau 10's red, blue, green and yellow. */
const PALETTE: readonly Rgb[] = [2, 0, 4, 5].map((i) => TABLEAU10[i] ?? [0, 0, 0]);

const SLIDERS: readonly CrfSlider[] = [
  { key: 'thetaBeta', label: 'θβ (colour, 0–255)', min: 2, max: 60, step: 1 },
  { key: 'thetaAlpha', label: 'θα (position, px)', min: 5, max: 120, step: 5 },
  { key: 'w1', label: 'Appearance weight w₁', min: 0, max: 30, step: 1 },
  { key: 'iterations', label: 'Iterations', min: 0, max: 20, step: 1 },
];

/**
 * Strokes aimed at the cameraman photo (the page's default), in fractions of the side: red
 * down his dark coat and across his hair, blue along the sky, green across the grass.
 */
const PRESET_LINES: readonly (readonly [number, number, number, number, number])[] = [
  [0.12, 0.55, 0.22, 0.9, 0],
  [0.38, 0.2, 0.46, 0.18, 0],
  [0.55, 0.1, 0.95, 0.12, 1],
  [0.04, 0.1, 0.25, 0.08, 1],
  [0.6, 0.72, 0.95, 0.88, 2],
];

/** The preset strokes (`PRESET_LINES`) as dabs for a `side`-pixel photo. */
export function presetStrokes(side: number): ScribbleDab[] {
  const radius = Math.max(1.5, side / 40);
  return PRESET_LINES.flatMap(([x0, y0, x1, y1, label]) =>
    Array.from({ length: 9 }, (_, i) => ({
      x: side * (x0 + ((x1 - x0) * i) / 8),
      y: side * (y0 + ((y1 - y0) * i) / 8),
      radius,
      label,
    })),
  );
}

interface ScribbleResult extends tf.TensorContainerObject {
  q: tf.Tensor3D;
  confidence: tf.Tensor2D;
}

/**
 * @summary Interactive segmentation with the dense CRF: the reader paints a few strokes in up to
 * four colours on a photo; stroked pixels get a confident unary, all others a uniform one, and
 * mean-field inference (fast path) spreads the labels along the photo's intensities.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; strokes: number }>` after each new result.
 *
 * Keyboard and touch-free alternative to drawing: the "preset strokes" button paints strokes
 * aimed at the default photo (the cameraman: his coat, the sky, the grass); "clear strokes"
 * removes them all.
 */
export class PwCrfScribble extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    brush: { type: Number },
    strokes: { attribute: false },
    w1: { type: Number },
    thetaAlpha: { type: Number, attribute: 'theta-alpha' },
    thetaBeta: { type: Number, attribute: 'theta-beta' },
    iterations: { type: Number },
  };
  static override styles = [
    elementStyles,
    crfSliderStyles,
    css`
      .paint {
        position: relative;
      }
      .paint canvas.strokes {
        position: absolute;
        inset: 0;
        background: transparent;
        touch-action: none;
        cursor: crosshair;
      }
      button {
        font: inherit;
        background: var(--pw-surface, #fff);
        color: var(--pw-text, #111);
        border: 1px solid var(--pw-border, #ccc);
        border-radius: 0.25rem;
      }
      button.brush {
        inline-size: 2rem;
        block-size: 2rem;
        border: 3px solid transparent;
      }
      button.brush[aria-pressed='true'] {
        border-color: var(--pw-text, #111);
      }
    `,
  ];

  /** URL of the photo (centre-cropped and resized to `working-size`). */
  declare src: string;
  /** Side of the square photo in pixels (default 128). */
  declare workingSize: number;
  /** Index of the stroke colour (label) being painted: 0 red, 1 blue, 2 green, 3 yellow. */
  declare brush: number;
  /** The painted dabs (default: the preset strokes for the default photo). */
  declare strokes: readonly ScribbleDab[];
  /** Appearance (bilateral) kernel weight w₁ (default 10). */
  declare w1: number;
  /** Appearance kernel spatial width θα in pixels (default 20). */
  declare thetaAlpha: number;
  /** Appearance kernel colour width θβ in 0..255 units (default 10). */
  declare thetaBeta: number;
  /** Mean-field iterations (default 10). */
  declare iterations: number;
  /** The smoothness kernel stays at its defaults here: the strokes lesson is about colour. */
  readonly w2 = DEFAULT_CRF_PARAMS.w2;
  /** Smoothness kernel width θγ in pixels, fixed at its default like `w2`. */
  readonly thetaGamma = DEFAULT_CRF_PARAMS.thetaGamma;
  /** Dabs of the stroke being drawn, committed on pointer up. */
  private drawing: ScribbleDab[] | undefined;
  private drawnPhoto: tf.Tensor | undefined;
  private announced: unknown;

  /**
   * Settings shared by URL (`?id=...`), copy-link and PNG controls: the photo and the sliders.
   * The strokes are a drawing, not a setting: they stay out of the URL.
   */
  readonly share = new UrlStateController(this, [
    ...SLIDERS.map((s) => `${s.key}:${s.key === 'iterations' ? 'int' : 'num'}:${s.min}..${s.max}`),
    'src',
  ]);

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private resultArgs() {
    return this.photo.value
      ? ([
          this.photo.value,
          this.strokes,
          this.w1,
          this.thetaAlpha,
          this.thetaBeta,
          this.iterations,
        ] as const)
      : undefined;
  }
  private readonly result = new TensorTaskController(this, {
    args: () => this.resultArgs(),
    // The CRF runs in the compute worker (compute-registry.ts 'crf-scribble'); a newer stroke
    // or setting stops an older run between iterations.
    task: async (args, { signal }): Promise<ScribbleResult> => {
      const [photo, strokes, w1, thetaAlpha, thetaBeta, iterations] = args;
      const params = {
        w1,
        thetaAlpha,
        thetaBeta,
        w2: this.w2,
        thetaGamma: this.thetaGamma,
        iterations,
      };
      const wire = await compute(
        'crf-scribble',
        { image: photo },
        { strokes, labels: BRUSHES.length, params },
        { signal },
      );
      return fromWire<ScribbleResult>(wire);
    },
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.brush = 0;
    this.strokes = presetStrokes(128);
    this.w1 = DEFAULT_CRF_PARAMS.w1;
    // Narrower than the densecrf defaults: on a 128-pixel photo θα = 60 spans half the image
    // and the first stroke's label floods everything.
    this.thetaAlpha = 20;
    this.thetaBeta = 10;
    this.iterations = DEFAULT_CRF_PARAMS.iterations;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('workingSize') && changed.get('workingSize') !== undefined) {
      this.strokes = presetStrokes(this.workingSize);
    }
  }

  protected override updated(): void {
    void this.drawPhoto();
    this.drawStrokes();
    const r = this.result.value;
    if (this.result.status === 'complete' && r && r !== this.announced) {
      this.announced = r;
      emit(this, 'pw-computed', { ms: this.result.lastMs, strokes: this.strokes.length });
    }
  }

  private async drawPhoto(): Promise<void> {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.photo');
    const photo = this.photo.value;
    if (canvas && photo && photo !== this.drawnPhoto) {
      this.drawnPhoto = photo;
      await drawTensor(photo, canvas);
    }
  }

  /** Paints committed and in-progress dabs on the transparent overlay. */
  private drawStrokes(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.strokes');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const side = this.workingSize;
    if (canvas.width !== side) canvas.width = canvas.height = side;
    ctx.clearRect(0, 0, side, side);
    for (const d of [...this.strokes, ...(this.drawing ?? [])]) {
      const colour = PALETTE[d.label];
      if (!colour) continue;
      ctx.fillStyle = cssRgb(colour);
      ctx.beginPath();
      ctx.arc(d.x, d.y, d.radius, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  private dabAt(e: PointerEvent): ScribbleDab {
    const canvas = e.currentTarget as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const side = this.workingSize;
    return {
      x: ((e.clientX - box.left) / box.width) * side,
      y: ((e.clientY - box.top) / box.height) * side,
      radius: Math.max(1.5, side / 40),
      label: this.brush,
    };
  }

  private readonly onDown = (e: PointerEvent) => {
    (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
    this.drawing = [this.dabAt(e)];
    this.drawStrokes();
  };
  private readonly onMove = (e: PointerEvent) => {
    if (!this.drawing) return;
    const next = this.dabAt(e);
    const prev = this.drawing[this.drawing.length - 1];
    // Fill gaps between pointer events so fast strokes stay continuous.
    if (prev) {
      const steps = Math.ceil(Math.hypot(next.x - prev.x, next.y - prev.y) / (next.radius / 2));
      for (let i = 1; i < steps; i++) {
        const t = i / steps;
        this.drawing.push({
          ...next,
          x: prev.x + (next.x - prev.x) * t,
          y: prev.y + (next.y - prev.y) * t,
        });
      }
    }
    this.drawing.push(next);
    this.drawStrokes();
  };
  private readonly onUp = () => {
    if (!this.drawing) return;
    this.strokes = [...this.strokes, ...this.drawing];
    this.drawing = undefined;
  };
  private readonly onSlider = (key: CrfSlider['key'], value: number) => {
    if (key === 'w1' || key === 'thetaAlpha' || key === 'thetaBeta' || key === 'iterations') {
      this[key] = value;
    }
  };

  private renderControls() {
    return html`<div class="controls">
        <span id="brush-label">Brush</span>
        <span role="group" aria-labelledby="brush-label">
          ${BRUSHES.map(
            (name, k) =>
              html`<button
                type="button"
                class="brush"
                aria-label=${`${name} brush (label ${k + 1})`}
                aria-pressed=${this.brush === k ? 'true' : 'false'}
                style=${`background: ${cssRgb(PALETTE[k] ?? [0, 0, 0])}`}
                @click=${() => (this.brush = k)}
              ></button>`,
          )}
        </span>
        <button type="button" @click=${() => (this.strokes = presetStrokes(this.workingSize))}>
          Preset strokes
        </button>
        <button type="button" @click=${() => (this.strokes = [])}>Clear strokes</button>
      </div>
      <div class="sliders">
        ${SLIDERS.map((s) => renderCrfSlider(s, this[s.key], this.onSlider))}
      </div>`;
  }

  override render() {
    const r = this.result.value;
    const error = this.photo.error ?? this.result.error;
    const names = BRUSHES.map((b) => `${b} strokes`);
    return html`${this.renderControls()} ${errorLine(error, 'Could not run the CRF')}
      <div class="panels">
        <figure>
          <div class="paint">
            <canvas class="photo" part="canvas" aria-hidden="true"></canvas>
            <canvas
              class="strokes"
              part="canvas"
              role="img"
              aria-label=${`Photo with ${this.strokes.length} brush dabs; draw on it with a pointer`}
              @pointerdown=${this.onDown}
              @pointermove=${this.onMove}
              @pointerup=${this.onUp}
              @pointercancel=${this.onUp}
            ></canvas>
          </div>
          <figcaption>Draw here: your strokes on the photo</figcaption>
        </figure>
        ${
          r
            ? html`<pw-tensor-view
                  .tensor=${r.q}
                  mode="labels"
                  .classNames=${names}
                  .palette=${PALETTE}
                  label="CRF labels spread from the strokes"
                ></pw-tensor-view>
                <pw-tensor-view
                  .tensor=${r.confidence}
                  mode="grey"
                  label="CRF confidence: probability of the winning label"
                ></pw-tensor-view>`
            : nothing
        }
      </div>
      ${statusLine(
        undefined,
        error
          ? ''
          : this.strokes.length === 0
            ? 'No strokes: every pixel is equally unsure, so the CRF has nothing to spread.'
            : progressText(
                this.result,
                (ms) =>
                  `${this.iterations} iterations on ${this.workingSize}×${this.workingSize} in ${ms.toFixed(0)} ms`,
              ),
      )}`;
  }
}

customElements.define('pw-crf-scribble', PwCrfScribble);

declare global {
  interface HTMLElementTagNameMap {
    'pw-crf-scribble': PwCrfScribble;
  }
}
