/**
 * The input layout an ONNX model declares, against the layout option: a model exported channels-first (PyTorch,
 * [N, 3, H, W]) run with layout "NHWC" would otherwise fail inside onnxruntime with a dimension error that does not
 * say which option is wrong. Checked when the backbone is created; a model whose input dimensions are all symbolic
 * cannot be checked here.
 */
import type * as ort from 'onnxruntime-node';
import { OptionError } from '../../util/errors';

export function checkInputLayout(session: ort.InferenceSession, inputName: string, layout: 'NCHW' | 'NHWC'): void {
  const meta = session.inputMetadata?.find((m) => m.name === inputName);
  const shape = meta && 'shape' in meta ? (meta.shape as readonly (number | string)[]) : undefined;
  if (!shape || shape.length !== 4) return;
  const first = shape[1] === 3 && shape[3] !== 3;
  const last = shape[3] === 3 && shape[1] !== 3;
  if ((layout === 'NHWC' && first) || (layout === 'NCHW' && last)) {
    const want = first ? 'NCHW' : 'NHWC';
    throw new OptionError(
      (key) =>
        `option ${key} is "${layout}", but the model's input "${inputName}" has shape [${shape.join(', ')}] (channels ${first ? 'first' : 'last'}: ${want}); set ${key} to "${want}"`,
      'layout',
    );
  }
}
