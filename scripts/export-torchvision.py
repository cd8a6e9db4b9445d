#!/usr/bin/env python3
"""Export torchvision detectors with random weights to ONNX, plus torch's own outputs on a known
image, to check detkit's torchvision family against real exports. Not run in CI.

Needs Debian's packages (no download from any model hub: the weights are random):
    apt-get install python3-torchvision      # pulls python3-torch
    /usr/bin/python3 scripts/export-torchvision.py /tmp/tv-exports

Writes <name>.onnx and <name>.expected.json (torch's boxes / labels / scores for the synthetic
texture image below, which the checking script rebuilds byte for byte).
Then compare with: node dist/scripts/check-torchvision-exports.js /tmp/tv-exports
"""
import json
import os
import sys

import torch
from torchvision.models import detection

WIDTH, HEIGHT = 480, 360

# Small models only: the point is the export's signature and decoding, not accuracy.
# Output order follows each model's result dict: R-CNNs return boxes, labels, scores; the
# single-stage heads (SSD, RetinaNet, FCOS) boxes, scores, labels.
OUTPUTS = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": ["boxes", "labels", "scores"],
    "ssdlite320_mobilenet_v3_large": ["boxes", "scores", "labels"],
    "retinanet_resnet50_fpn": ["boxes", "scores", "labels"],
}
MODELS = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": lambda: detection.fasterrcnn_mobilenet_v3_large_320_fpn(
        weights=None, weights_backbone=None, num_classes=91, box_score_thresh=0.0
    ),
    "ssdlite320_mobilenet_v3_large": lambda: detection.ssdlite320_mobilenet_v3_large(
        weights=None, weights_backbone=None, num_classes=91, score_thresh=0.0
    ),
    "retinanet_resnet50_fpn": lambda: detection.retinanet_resnet50_fpn(
        weights=None, weights_backbone=None, num_classes=91, score_thresh=0.0
    ),
}


def spread_scores(model: torch.nn.Module) -> None:
    """Random-init classifiers give every box the same score (logits ≈ 0, softmax = 1/91), so torch
    and ONNX Runtime break the ties differently; larger classifier weights make scores distinct."""
    head = getattr(model, "roi_heads", None)
    classifier = head.box_predictor.cls_score if head is not None else model.head.classification_head
    with torch.no_grad():
        for p in classifier.parameters():
            p.mul_(300)


def texture_image(width: int, height: int) -> torch.Tensor:
    """float RGB 0..1, [3, H, W] — what detkit's torchvision family feeds. Pixel (x, y) channel c
    is (7x² + 13y² + 3xy + 101c) mod 256: enough texture that random features do not collapse."""
    x = torch.arange(width, dtype=torch.int64).view(1, width).expand(height, width)
    y = torch.arange(height, dtype=torch.int64).view(height, 1).expand(height, width)
    rgb = torch.stack([(7 * x * x + 13 * y * y + 3 * x * y + 101 * c) % 256 for c in range(3)])
    return rgb.to(torch.uint8).float() / 255


def main() -> None:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "tv-exports"
    names = sys.argv[2:] or list(MODELS)
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    image = texture_image(WIDTH, HEIGHT)
    for name in names:
        model = MODELS[name]().eval()
        spread_scores(model)
        with torch.no_grad():
            expected = model([image])[0]
        path = os.path.join(out_dir, f"{name}.onnx")
        torch.onnx.export(
            model,
            ([image],),
            path,
            opset_version=11,
            input_names=["images"],
            output_names=OUTPUTS[name],
            dynamic_axes={"images": [1, 2], "boxes": [0], "labels": [0], "scores": [0]},
        )
        with open(os.path.join(out_dir, f"{name}.expected.json"), "w") as f:
            json.dump(
                {
                    "width": WIDTH,
                    "height": HEIGHT,
                    "boxes": expected["boxes"].tolist(),
                    "labels": expected["labels"].tolist(),
                    "scores": expected["scores"].tolist(),
                },
                f,
            )
        print(f"{path}: {len(expected['scores'])} detections")


if __name__ == "__main__":
    main()
