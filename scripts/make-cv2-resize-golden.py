#!/usr/bin/env python3
"""Golden outputs of OpenCV's cv2.resize(INTER_LINEAR) on synthetic images, for the test that
checks detkit's resizeBilinear byte for byte (src/families/letterbox.test.ts).

    apt-get install python3-opencv
    /usr/bin/python3 scripts/make-cv2-resize-golden.py > src/families/fixtures/cv2-resize.json

Each source image is the texture channel c of pixel (x, y) = (7x² + 13y² + 3xy + 101c) mod 256,
which the test rebuilds; only the resized bytes are stored (base64).
"""
import base64
import json

import cv2
import numpy as np

# (source width, height) → (destination width, height): downscales by non-integer and integer
# factors, upscales, one axis only, and letterbox-like shrinks (kept small: the file is committed).
CASES = [
    ((37, 23), (16, 11)),
    ((37, 23), (64, 40)),
    ((100, 60), (50, 30)),
    ((101, 61), (47, 29)),
    ((64, 48), (64, 20)),
    ((200, 150), (133, 100)),
    ((320, 180), (160, 90)),
    ((250, 249), (160, 159)),
    ((97, 33), (211, 71)),
]


def texture(width: int, height: int) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    return np.stack([(7 * x * x + 13 * y * y + 3 * x * y + 101 * c) % 256 for c in range(3)], axis=-1).astype(np.uint8)


def main() -> None:
    out = {"opencv": cv2.__version__, "cases": []}
    for (sw, sh), (dw, dh) in CASES:
        resized = cv2.resize(texture(sw, sh), (dw, dh), interpolation=cv2.INTER_LINEAR)
        out["cases"].append(
            {
                "source": [sw, sh],
                "size": [dw, dh],
                "rgb": base64.b64encode(np.ascontiguousarray(resized).tobytes()).decode("ascii"),
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
