"""The one measure of a drawn PNG the tests use."""

import io

import matplotlib.image
import numpy as np


def ink(png):
    """Share of pixels that are not (near) white, transparency laid on white: ~0 for a
    blank or empty image."""
    image = matplotlib.image.imread(io.BytesIO(png))
    rgb = image[..., :3]
    if image.shape[-1] == 4:
        alpha = image[..., 3:4]
        rgb = rgb * alpha + (1 - alpha)
    return float(np.mean(np.any(rgb < 0.9, axis=-1)))
