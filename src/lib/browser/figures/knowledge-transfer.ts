/** The overview page's knowledge-transfer figure: the classifier slid, FCN-32s and FCN-8s. */
import * as tf from '@tensorflow/tfjs-core';
import { loadClassifier, loadModel } from '../model';
import { knowledgeTransferFigure } from '../../fcn/knowledge-transfer';
import { toWire } from '../compute-wire';
import type { Figure } from './figure';

export const knowledgeTransferFigures: Record<string, Figure> = {
  /** pw-knowledge-transfer: the classifier before segmentation training, and what it became. */
  'knowledge-transfer': {
    async run({ image, truth }) {
      const [classifier, fcn] = await Promise.all([loadClassifier(), loadModel()]);
      const figure = knowledgeTransferFigure(
        classifier,
        fcn,
        image as tf.Tensor3D,
        truth as tf.Tensor2D,
      );
      try {
        return await toWire(figure);
      } finally {
        tf.dispose(figure);
      }
    },
  },
};
