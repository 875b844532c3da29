"""ImageNet layer-wise spaces with analytic cost: SPOS (ShuffleNetV2 blocks) and FairNAS.

Costs are exact counts for the reference networks at 224x224 input: FLOPs are multiply-adds
of every convolution and the classifier (batch norm, activations, pooling and additions
are not counted, as in the SPOS and FairNAS papers); parameters count convolution weights,
batch-norm scale and shift, and the classifier. Both are precomputed as a fixed stem/head
cost plus one value per layer and choice, so a batch costs ``fixed + sum of look-ups``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lissnas.spaces._choice import ChoiceSpace

#: SPOS block choices, in the index order of the megvii-model/SinglePathOneShot code.
SHUFFLENET_CHOICES = ("shufflenet_3x3", "shufflenet_5x5", "shufflenet_7x7", "xception")
#: SPOS stage repeats and channels (stem 16, stages 64/160/320/640, last conv 1024).
SPOS_REPEATS = (4, 4, 8, 4)
SPOS_CHANNELS = (16, 64, 160, 320, 640, 1024)

#: FairNAS choices (kernel, expansion), in the index order of its released model codes.
FAIRNAS_CHOICES = ("k3_e3", "k5_e3", "k7_e3", "k3_e6", "k5_e6", "k7_e6")
_FAIRNAS_KE = ((3, 3), (5, 3), (7, 3), (3, 6), (5, 6), (7, 6))
#: FairNAS searchable layers: (output channels, stride), after a 32-channel stem and a
#: 16-channel separable convolution; head 1x1 conv to 1280 and a 1000-way classifier.
FAIRNAS_LAYERS = (
    ((32, 2), (32, 1))
    + ((40, 2),)
    + ((40, 1),) * 3
    + ((80, 2),)
    + ((80, 1),) * 3
    + ((96, 1),) * 4
    + ((192, 2),)
    + ((192, 1),) * 3
    + ((320, 1),)
)

_N_CLASSES = 1000
_RESOLUTION = 224


class _Cost:
    """Accumulates (multiply-adds, parameters) of convolutions on square feature maps."""

    def __init__(self) -> None:
        self.macs = 0
        self.params = 0

    def conv(
        self, c_in: int, c_out: int, k: int, stride: int, size: int, *, dw: bool = False
    ) -> int:
        """Add a bias-free ``k x k`` convolution followed by batch norm; return output size."""
        out = size // stride
        weights = k * k * c_out * (1 if dw else c_in)
        self.macs += weights * out * out
        self.params += weights + 2 * c_out
        return out

    def linear(self, c_in: int, c_out: int, *, bias: bool) -> None:
        self.macs += c_in * c_out
        self.params += c_in * c_out + (c_out if bias else 0)


class _TableCost:
    """``fixed + sum_i table[i, arch[i]]`` over a batch (millions)."""

    def __init__(self, fixed: int, table: np.ndarray) -> None:
        self.fixed = fixed / 1e6
        self.table = np.asarray(table, dtype=float) / 1e6

    def __call__(self, archs: np.ndarray) -> np.ndarray:
        rows = np.arange(self.table.shape[0])
        return self.fixed + self.table[rows, archs].sum(axis=1)


def _spos_block(choice: int, c_in: int, c_out: int, stride: int, size: int) -> _Cost:
    cost = _Cost()
    mid, branch_out = c_out // 2, c_out - c_in
    if choice < 3:
        k = (3, 5, 7)[choice]
        cost.conv(c_in, mid, 1, 1, size)
        out = cost.conv(mid, mid, k, stride, size, dw=True)
        cost.conv(mid, branch_out, 1, 1, out)
    else:
        k = 3
        out = cost.conv(c_in, c_in, 3, stride, size, dw=True)
        cost.conv(c_in, mid, 1, 1, out)
        cost.conv(mid, mid, 3, 1, out, dw=True)
        cost.conv(mid, mid, 1, 1, out)
        cost.conv(mid, mid, 3, 1, out, dw=True)
        cost.conv(mid, branch_out, 1, 1, out)
    if stride == 2:  # projection branch of the down-sampling block
        cost.conv(c_in, c_in, k, stride, size, dw=True)
        cost.conv(c_in, c_in, 1, 1, out)
    return cost


def _layer_tables(blocks: Sequence[Sequence[_Cost]]) -> tuple[np.ndarray, np.ndarray]:
    macs = np.array([[b.macs for b in layer] for layer in blocks], dtype=np.int64)
    params = np.array([[b.params for b in layer] for layer in blocks], dtype=np.int64)
    return macs, params


class ShuffleNetV2Space(ChoiceSpace):
    """The SPOS block search space: 20 ShuffleNetV2 layers x 4 blocks (4^20 ~ 1.1e12).

    Layer ``i`` picks ``shufflenet_3x3`` (0), ``shufflenet_5x5`` (1), ``shufflenet_7x7`` (2)
    or ``xception`` (3); stages of 4/4/8/4 layers with 64/160/320/640 channels, the first
    layer of each stage down-sampling (Guo et al., 2019, megvii-model/SinglePathOneShot).
    String form: 20 digits. ``flops``/``params`` are analytic (millions; see module doc):
    the released SPOS model ``21012020202300003233`` costs 322.9M FLOPs / 3.56M parameters
    (published: 323M / 3.5M).
    """

    def __init__(self) -> None:
        stem, stages, last = SPOS_CHANNELS[0], SPOS_CHANNELS[1:-1], SPOS_CHANNELS[-1]
        fixed = _Cost()
        size = fixed.conv(3, stem, 3, 2, _RESOLUTION)
        blocks, c_in = [], stem
        for repeats, c_out in zip(SPOS_REPEATS, stages, strict=True):
            for i in range(repeats):
                stride = 2 if i == 0 else 1
                inp = c_in if i == 0 else c_out // 2
                blocks.append([_spos_block(c, inp, c_out, stride, size) for c in range(4)])
                size //= stride
                c_in = c_out
        fixed.conv(c_in, last, 1, 1, size)
        fixed.linear(last, _N_CLASSES, bias=False)
        macs, params = _layer_tables(blocks)
        super().__init__(
            "shufflenetv2",
            [SHUFFLENET_CHOICES] * len(blocks),
            flops=_TableCost(fixed.macs, macs),
            params=_TableCost(fixed.params, params),
        )

    def __repr__(self) -> str:
        return "ShuffleNetV2Space()"


class FairNASSpace(ChoiceSpace):
    """The FairNAS space: 19 MobileNetV2 inverted-residual layers x 6 choices (6^19 ~ 6.1e14).

    Choice ``j`` of a layer is kernel 3/5/7 with expansion 3 (j = 0, 1, 2) or expansion 6
    (j = 3, 4, 5), the order of the released FairNAS model codes; layer channels and strides
    are ``FAIRNAS_LAYERS`` (Chu et al., 2019, xiaomi-automl/FairNAS). String form: 19
    digits. ``flops``/``params`` are analytic (millions; see module doc): FairNAS-B
    ``1010312031032054534`` costs 345.3M FLOPs / 4.51M parameters (published: 345M / 4.5M).
    """

    def __init__(self) -> None:
        fixed = _Cost()
        size = fixed.conv(3, 32, 3, 2, _RESOLUTION)
        fixed.conv(32, 32, 3, 1, size, dw=True)
        fixed.conv(32, 16, 1, 1, size)
        blocks, c_in = [], 16
        for c_out, stride in FAIRNAS_LAYERS:
            layer = []
            for k, e in _FAIRNAS_KE:
                cost, hidden = _Cost(), c_in * e
                cost.conv(c_in, hidden, 1, 1, size)
                out = cost.conv(hidden, hidden, k, stride, size, dw=True)
                cost.conv(hidden, c_out, 1, 1, out)
                layer.append(cost)
            blocks.append(layer)
            size //= stride
            c_in = c_out
        fixed.conv(c_in, 1280, 1, 1, size)
        fixed.linear(1280, _N_CLASSES, bias=True)
        macs, params = _layer_tables(blocks)
        super().__init__(
            "fairnas",
            [FAIRNAS_CHOICES] * len(blocks),
            flops=_TableCost(fixed.macs, macs),
            params=_TableCost(fixed.params, params),
        )

    def __repr__(self) -> str:
        return "FairNASSpace()"
