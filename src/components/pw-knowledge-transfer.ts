import { LitElement, css, html, nothing } from 'lit';
import { classMapView, errorAlert, progressText, sceneSelect, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { labelMapController, photoController } from './controllers/photo';
import { UrlStateController } from './controllers/url-state';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import { segmentationScores } from '../lib/fcn/metrics';
import {
  TRANSFER_STAGES,
  type KnowledgeTransferResult,
  type TransferStage,
} from '../lib/fcn/knowledge-transfer';
import './pw-tensor-view';

interface SceneItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly label: string;
}

/**
 * The test-set numbers the page passes in (from eval.json, written by `npm run train` and
 * checked by `npm run eval`): fractions in 0..1.
 */
export interface TransferReport {
  /** Held-out test scenes the mean IUs are over. */
  readonly scenes: number;
  /** The shipped (uint8) classifier's accuracy on its held-out 32×32 test patches. */
  readonly classifierAccuracy: number;
  /** Test patches behind `classifierAccuracy`. */
  readonly patches?: number;
  /** Mean IU on the test scenes per stage. */
  readonly meanIU: Readonly<Record<TransferStage, number>>;
}

type Result = { figure: KnowledgeTransferResult; meanIU: number[] };

const TITLES: Readonly<Record<TransferStage, string>> = {
  classifier: 'The classifier, slid (upsampled 32×)',
  '32s': 'FCN-32s, fine-tuned from it',
  '8s': 'FCN-8s, with the skips',
};

const TABLE_NAMES: Readonly<Record<TransferStage, string>> = {
  classifier: 'Classifier, convolutionalized and slid, before any segmentation training',
  '32s': 'FCN-32s: the same network fine-tuned on whole scenes',
  '8s': 'FCN-8s: plus the pool4 and pool3 skips',
};

const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));

/**
 * @summary Knowledge transfer, shown: the 11-way classifier as it was before any segmentation
 * training, convolutionalized and slid over a test scene (its coarse map, one class per 32×32
 * patch, and that map upsampled 32×), beside FCN-32s fine-tuned from it and FCN-8s, each with its
 * mean IU on the scene; a table of the same three on the whole test set.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; meanIUs: number[] }>` after each new result:
 *   mean IU on this scene of the classifier, FCN-32s and FCN-8s, in that order.
 */
export class PwKnowledgeTransfer extends LitElement {
  static override properties = {
    items: { type: Array },
    scene: { type: Number },
    report: { type: Object },
  };
  static override styles = [
    elementStyles,
    css`
      :host {
        container-type: inline-size;
      }
      .maps {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 0.75rem;
      }
      @container (min-width: 34rem) {
        .maps {
          grid-template-columns: repeat(3, minmax(0, 1fr));
        }
      }
      .stage {
        border-radius: 0.35rem;
      }
      table {
        border-collapse: collapse;
        inline-size: 100%;
        font-size: 0.9rem;
        margin-block-start: 0.75rem;
      }
      caption {
        text-align: start;
        color: var(--pw-muted, #555);
        padding-block-end: 0.25rem;
      }
      th,
      td {
        padding: 0.2rem 0.4rem;
        border-block-end: 1px solid var(--pw-border, #ccc);
        text-align: start;
      }
      td.num {
        text-align: end;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** JSON array of `{ id, title, src, label }` test scenes (label = ground-truth PNG). */
  declare items: SceneItem[];
  /** Index of the scene shown (default 0). */
  declare scene: number;
  /** The test-set numbers (JSON `TransferReport`); without it the table is left out. */
  declare report: TransferReport | undefined;

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['scene:int:0..11']);

  private current(): SceneItem | undefined {
    return this.items[this.scene] ?? this.items[0];
  }

  private readonly photo = photoController(this, () => ({
    src: this.current()?.src ?? '',
    side: 128,
  }));
  private readonly truth = labelMapController(this, () => this.current()?.label);
  private readonly figure: TensorTaskController<readonly [tf.Tensor3D, tf.Tensor2D], Result> =
    new TensorTaskController(this, {
      announce: () => ({ meanIUs: this.figure.value?.meanIU ?? [] }),
      args: () =>
        this.photo.value && this.truth.value
          ? ([this.photo.value, this.truth.value] as const)
          : undefined,
      // Both networks run in the compute worker (figures/knowledge-transfer.ts).
      task: async ([photo, truth], { signal }): Promise<Result> => {
        const wire = await compute('knowledge-transfer', { image: photo, truth }, {}, { signal });
        const figure = await fromWire<KnowledgeTransferResult>(wire);
        try {
          const confusion = await figure.confusion.array();
          return { figure, meanIU: confusion.map((c) => segmentationScores(c).meanIU) };
        } catch (error) {
          tf.dispose(figure);
          throw error;
        }
      },
    });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.truth, this.figure);
  };

  private readonly onScene = (index: number) => {
    this.scene = index;
  };

  constructor() {
    super();
    this.items = [];
    this.scene = 0;
    this.report = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  private renderTable(report: TransferReport) {
    return html`<table class="test-set">
        <caption>
          On all ${report.scenes} held-out test scenes (computed when the network was trained, and
          re-checked by the site’s tests)
        </caption>
        <thead>
          <tr>
            <th scope="col">Network</th>
            <th scope="col">Mean IU</th>
          </tr>
        </thead>
        <tbody>
          ${TRANSFER_STAGES.map(
            (s) =>
              html`<tr>
                <th scope="row">${TABLE_NAMES[s]}</th>
                <td class="num" data-stage=${s}>${pct(report.meanIU[s])}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <p class="readout">
        As a classifier, the same weights name the object in a 32×32 patch correctly
        <strong data-accuracy>${pct(report.classifierAccuracy)} %</strong> of the time
        ${report.patches ? `(${report.patches.toLocaleString('en')} held-out patches)` : ''}.
      </p>`;
  }

  override render() {
    const value = this.figure.value;
    const error = this.photo.error ?? this.truth.error ?? this.figure.error;
    return html`<div class="controls">${sceneSelect(this.items, this.scene, this.onScene)}</div>
      ${error ? errorAlert('Could not run the networks', error, this.onRetry) : nothing}
      ${
        value && this.photo.value && this.truth.value
          ? html`<div class="maps">
              <pw-tensor-view
                .tensor=${this.photo.value}
                mode="rgb"
                label="Test scene"
              ></pw-tensor-view>
              <div>${classMapView(this.truth.value, 'Ground truth', { legend: false })}</div>
              <div class="stage" data-stage="coarse">
                ${classMapView(
                  value.figure.coarse,
                  `The classifier’s coarse map: one class per 32×32 patch (${value.figure.coarse.shape[0]}×${value.figure.coarse.shape[1]})`,
                  { legend: false },
                )}
              </div>
              ${TRANSFER_STAGES.map(
                (s, k) =>
                  html`<div class="stage" data-stage=${s}>
                    ${classMapView(
                      value.figure.logits[s],
                      `${TITLES[s]}: mean IU ${pct(value.meanIU[k])}`,
                      { legend: s === '8s' },
                    )}
                  </div>`,
              )}
            </div>`
          : nothing
      }
      ${this.report ? this.renderTable(this.report) : nothing}
      ${statusLine(
        undefined,
        error
          ? ''
          : progressText(
              this.figure,
              (ms) => `The classifier, FCN-32s and FCN-8s in ${ms.toFixed(1)} ms`,
              'Loading the classifier and the network, and computing…',
            ),
      )}`;
  }
}

customElements.define('pw-knowledge-transfer', PwKnowledgeTransfer);

declare global {
  interface HTMLElementTagNameMap {
    'pw-knowledge-transfer': PwKnowledgeTransfer;
  }
}
