#!/usr/bin/env python3
"""Export the backbones of the paper's backbone ablation (spec §6.5) to ONNX for the kit: WideResNet101-2,
ResNeXt101-32x8d and DenseNet201 (ImageNet V1 weights from torchvision); WideResNet50-2 stays in export-wrn50.py.

Runs on your own machine with PyTorch and torchvision; it is not a dependency of the kit (and it is not run in the
kit's CI: PyPI is unreachable there). The graph takes a float NCHW image batch normalised with the ImageNet mean/std;
batch, height and width are dynamic; classifier layers are not part of the graph. Output names per net:

  --net wrn101       layer2 (N, 512, H/8, W/8)         layer3 (N, 1024, H/16, W/16)        avgpool (N, 2048, 1, 1)
  --net resnext101   layer2 (N, 512, H/8, W/8)         layer3 (N, 1024, H/16, W/16)        avgpool (N, 2048, 1, 1)
  --net densenet201  denseblock2 (N, 512, H/8, W/8)    denseblock3 (N, 1792, H/16, W/16)   avgpool (N, 1920, 1, 1)

layer2/layer3 (ResNets) and denseblock2/denseblock3 (DenseNet, the raw block outputs before the transition layers)
are the patch maps at strides 8 and 16, the level PatchCore taps; avgpool is the global average pool of the last stage
(for DenseNet: after norm5 and ReLU, as torchvision's classifier sees it), TailSampler's embedding in the paper's form.

  python3 scripts/export-backbone.py --net densenet201 --out data/densenet201.onnx [--check]

Then use the matching config: configs/paper-mvtec-wrn101.json, paper-mvtec-resnext101.json, paper-mvtec-densenet201.json
(each names its patchLayers and embeddingLayer).
"""
import argparse
import sys

import torch
import torchvision

NETS = {
    "wrn101": ("wide_resnet101_2", "Wide_ResNet101_2_Weights", ["layer2", "layer3", "avgpool"]),
    "resnext101": ("resnext101_32x8d", "ResNeXt101_32X8D_Weights", ["layer2", "layer3", "avgpool"]),
    "densenet201": ("densenet201", "DenseNet201_Weights", ["denseblock2", "denseblock3", "avgpool"]),
}


def load(net, random_weights):
    ctor_name, weights_name, _ = NETS[net]
    ctor = getattr(torchvision.models, ctor_name)
    if random_weights:
        return ctor()
    # torchvision >= 0.13 names the weights; older versions take pretrained=True. Both give the ImageNet V1 weights.
    try:
        return ctor(weights=getattr(torchvision.models, weights_name).IMAGENET1K_V1)
    except AttributeError:
        return ctor(pretrained=True)


class ResNetTaps(torch.nn.Module):
    """A torchvision ResNet up to avgpool, returning layer2, layer3 and avgpool."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        l2 = n.layer2(n.layer1(x))
        l3 = n.layer3(l2)
        return l2, l3, n.avgpool(n.layer4(l3))


class DenseNetTaps(torch.nn.Module):
    """torchvision's DenseNet features, returning denseblock2, denseblock3 and the pooled last stage."""

    def __init__(self, net):
        super().__init__()
        self.f = net.features

    def forward(self, x):
        f = self.f
        x = f.pool0(f.relu0(f.norm0(f.conv0(x))))
        x = f.transition1(f.denseblock1(x))
        b2 = f.denseblock2(x)
        b3 = f.denseblock3(f.transition2(b2))
        x = f.norm5(f.denseblock4(f.transition3(b3)))
        pooled = torch.nn.functional.adaptive_avg_pool2d(torch.nn.functional.relu(x), (1, 1))
        return b2, b3, pooled


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--net", required=True, choices=sorted(NETS), help="which backbone")
    p.add_argument("--out", help="output .onnx file (default: <net>.onnx)")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset (default: 17, read by onnxruntime-node 1.30)")
    p.add_argument("--check", action="store_true", help="run the export in onnxruntime and compare with PyTorch")
    p.add_argument("--random-weights", action="store_true",
                   help="randomly initialised weights, no download (to test the export offline; not the paper's backbone)")
    a = p.parse_args()
    out = a.out or f"{a.net}.onnx"
    names = NETS[a.net][2]
    net = load(a.net, a.random_weights)
    model = (DenseNetTaps(net) if a.net == "densenet201" else ResNetTaps(net)).eval()
    x = torch.randn(2, 3, 224, 224)
    axes = {"input": {0: "n", 2: "h", 3: "w"}, names[0]: {0: "n", 2: "h2", 3: "w2"}, names[1]: {0: "n", 2: "h3", 3: "w3"},
            names[2]: {0: "n"}}
    with torch.no_grad():
        torch.onnx.export(model, x, out, opset_version=a.opset, input_names=["input"], output_names=names,
                          dynamic_axes=axes, do_constant_folding=True)
    print(f"wrote {out}: input 'input' (N, 3, H, W), outputs {', '.join(names)}")
    if a.check:
        try:
            import onnxruntime as ort
        except ImportError:
            print("--check needs the onnxruntime Python package (pip install onnxruntime)", file=sys.stderr)
            return 2
        sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
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
