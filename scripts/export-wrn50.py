#!/usr/bin/env python3
"""Export torchvision's WideResNet50-2 (ImageNet V1 weights, as the official TailedCore code uses) to ONNX for the kit.

Runs on your own machine with PyTorch and torchvision; it is not a dependency of the kit. The graph takes a float
NCHW image batch normalised with the ImageNet mean/std and returns three outputs, the names the kit expects by default:
  layer2   (N, 512, H/8, W/8)     patch features
  layer3   (N, 1024, H/16, W/16)  patch features
  avgpool  (N, 2048, 1, 1)        image embedding for TailSampler (global average pool of layer4)
Batch, height and width are dynamic. The fully connected layer is not part of the graph.

  python3 scripts/export-wrn50.py --out data/wrn50.onnx            # export
  python3 scripts/export-wrn50.py --out data/wrn50.onnx --check    # and compare with PyTorch through onnxruntime

Then set in the experiment config:
  "features": {"backbone": {"onnx": "data/wrn50.onnx", "patchLayers": ["layer2", "layer3"], "embeddingLayer": "avgpool"},
               "resize": 256, "crop": 224, "targetDim": 1024}
"""
import argparse
import sys

import torch
import torchvision


def load_wrn50():
    # torchvision >= 0.13 names the weights; older versions (the official code pins 0.11.2) take pretrained=True.
    # Both give the ImageNet V1 weights.
    try:
        weights = torchvision.models.Wide_ResNet50_2_Weights.IMAGENET1K_V1
        return torchvision.models.wide_resnet50_2(weights=weights)
    except AttributeError:
        return torchvision.models.wide_resnet50_2(pretrained=True)


class Taps(torch.nn.Module):
    """The backbone up to avgpool, returning layer2, layer3 and avgpool."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer1(x)
        l2 = n.layer2(x)
        l3 = n.layer3(l2)
        pooled = n.avgpool(n.layer4(l3))
        return l2, l3, pooled


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="wrn50.onnx", help="output .onnx file (default: wrn50.onnx)")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset (default: 17, read by onnxruntime-node 1.30)")
    p.add_argument("--check", action="store_true", help="run the export in onnxruntime and compare with PyTorch")
    p.add_argument("--random-weights", action="store_true",
                   help="randomly initialised weights, no download (to test the export and the kit offline; not the paper's backbone)")
    a = p.parse_args()

    net = torchvision.models.wide_resnet50_2() if a.random_weights else load_wrn50()
    model = Taps(net).eval()
    x = torch.randn(2, 3, 224, 224)
    names = ["layer2", "layer3", "avgpool"]
    axes = {"input": {0: "n", 2: "h", 3: "w"}, "layer2": {0: "n", 2: "h2", 3: "w2"}, "layer3": {0: "n", 2: "h3", 3: "w3"}, "avgpool": {0: "n"}}
    with torch.no_grad():
        torch.onnx.export(model, x, a.out, opset_version=a.opset, input_names=["input"], output_names=names,
                          dynamic_axes=axes, do_constant_folding=True)
    print(f"wrote {a.out}: input 'input' (N, 3, H, W), outputs {', '.join(names)}")

    if a.check:
        try:
            import onnxruntime as ort
        except ImportError:
            print("--check needs the onnxruntime Python package (pip install onnxruntime)", file=sys.stderr)
            return 2
        sess = ort.InferenceSession(a.out, providers=["CPUExecutionProvider"])
        got = sess.run(names, {"input": x.numpy()})
        with torch.no_grad():
            want = [t.numpy() for t in model(x)]
        for name, g, w in zip(names, got, want):
            err = float(abs(g - w).max())
            print(f"{name}: shape {tuple(g.shape)}, max |onnx - torch| = {err:.2e}")
            if g.shape != w.shape or err > 1e-3:
                print(f"{name} differs from PyTorch", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
