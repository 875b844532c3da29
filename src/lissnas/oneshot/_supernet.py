"""Weight-sharing supernets: NAS-Bench-201 cells and NAS-Bench-Macro's layer-wise network.

Contract shared by every supernet (``Supernet``):

* ``forward(x, arch)`` runs one single path: ``arch`` is an int vector of ``space`` and only
  the chosen candidate of every ``ChoiceBlock`` runs;
* ``choice_blocks()`` lists the ``ChoiceBlock`` modules; ``block.position`` is the index of
  ``arch`` the block reads and ``block.candidates[c]`` the module of choice ``c``. Blocks of
  different cells may read the same position (NAS-Bench-201 repeats one cell);
* a candidate's weights are shared by every architecture choosing it, and by no other
  candidate (``candidate_parameters`` checks this).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from lissnas.spaces import NB201_OPS, NB201Space, NBMacroSpace, SearchSpace
from lissnas.spaces._nb201 import NB201_EDGES


class ChoiceBlock(nn.Module):
    """Candidates for one position of the architecture vector; runs the chosen one."""

    def __init__(self, position: int, candidates: Sequence[nn.Module]) -> None:
        super().__init__()
        self.position = position
        self.candidates = nn.ModuleList(candidates)

    def forward(self, x: torch.Tensor, arch: Sequence[int]) -> torch.Tensor:
        return self.candidates[int(arch[self.position])](x)


class Supernet(nn.Module):
    """Base class: a weight-sharing network over the architectures of ``space``."""

    space: SearchSpace
    #: ``build_supernet``'s arguments, saved in checkpoints to rebuild the network.
    config: dict

    def choice_blocks(self) -> list[ChoiceBlock]:
        """Every ``ChoiceBlock``, in forward order."""
        return [m for m in self.modules() if isinstance(m, ChoiceBlock)]

    def feature_layers(self) -> list[nn.Module]:
        """The layers whose outputs make up an architecture's layer-wise LID profile."""
        raise NotImplementedError

    def check_arch(self, arch: np.ndarray | Sequence[int]) -> np.ndarray:
        """``arch`` as a validated 1-D int vector of ``space`` (``ValueError`` otherwise)."""
        return self.space.validate(arch)[0]

    def candidate_parameters(self) -> np.ndarray:
        """``(n_positions, max cardinality)`` int matrix: the parameters each choice adds to a
        path, summed over the blocks that read its position. ``ValueError`` if a parameter
        belongs to two candidates (tied or entangled weights), which no such count can split."""
        space = self.space
        sizes = np.zeros((space.n_positions, int(space.cardinalities.max())), dtype=np.int64)
        owners: dict[int, tuple[int, int]] = {}  # id of a parameter -> (position, choice)
        for block in self.choice_blocks():
            for choice, candidate in enumerate(block.candidates):
                for param in candidate.parameters():
                    if id(param) in owners:
                        position, other = owners[id(param)]
                        raise ValueError(
                            f"a parameter of choice {choice} at position {block.position} is "
                            f"also one of choice {other} at position {position}: parameter "
                            "counts need every candidate to own its weights (no tied or "
                            "entangled weights)"
                        )
                    owners[id(param)] = (block.position, choice)
                    sizes[block.position, choice] += param.numel()
        return sizes

    def path_parameters(self, arch: np.ndarray | Sequence[int]) -> int:
        """Number of parameters the single path ``arch`` uses (shared ones included)."""
        arch = self.check_arch(arch)
        sizes = self.candidate_parameters()
        shared = sum(p.numel() for p in self.parameters()) - int(sizes.sum())
        return shared + int(sizes[np.arange(len(arch)), arch].sum())

    def largest_path(self, members: np.ndarray | None = None) -> np.ndarray:
        """The architecture with the most path parameters: among ``members`` (the first of
        equals), or, without members, over the whole space (each position's largest choice;
        ``ValueError`` if the space rejects that combination). The sandwich rule's largest
        child."""
        sizes = self.candidate_parameters()
        if members is None:
            return self.check_arch(sizes.argmax(axis=1))
        members = self.space.validate(members)
        totals = sizes[np.arange(self.space.n_positions), members].sum(axis=1)
        return members[int(np.argmax(totals))].copy()


# -- NAS-Bench-201 ---------------------------------------------------------------------------
class _Zero(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


class _ReLUConvBN(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
        )


def _nb201_op(name: str, channels: int) -> nn.Module:
    if name == "none":
        return _Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return _ReLUConvBN(channels, channels, 1)
    if name == "nor_conv_3x3":
        return _ReLUConvBN(channels, channels, 3)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f"unknown NAS-Bench-201 operation {name!r}")


class _ResBlock(nn.Module):
    """NAS-Bench-201's reduction block: a stride-2 basic residual block."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.a = _ReLUConvBN(c_in, c_out, 3, stride=2)
        self.b = _ReLUConvBN(c_out, c_out, 3)
        self.shortcut = nn.Sequential(
            nn.AvgPool2d(2, stride=2), nn.Conv2d(c_in, c_out, 1, bias=False)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.b(self.a(x))


class _NB201Cell(nn.Module):
    """Nodes 0..3; node j sums the chosen ops on the edges (i, j), i < j."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.edges = nn.ModuleList(
            ChoiceBlock(p, [_nb201_op(op, channels) for op in NB201_OPS])
            for p in range(len(NB201_EDGES))
        )

    def forward(self, x: torch.Tensor, arch: Sequence[int]) -> torch.Tensor:
        nodes = [x]
        for target in (1, 2, 3):
            nodes.append(
                sum(
                    edge(nodes[source], arch)
                    for edge, (source, dest) in zip(self.edges, NB201_EDGES, strict=True)
                    if dest == target
                )
            )
        return nodes[3]


class NB201Supernet(Supernet):
    """NAS-Bench-201's network over its cell space: stem, 3 stages of ``N`` cells with
    ``C``, ``2C``, ``4C`` channels joined by residual reduction blocks, then BN-ReLU, global
    pooling and a linear classifier (``C=16, N=5`` is the benchmark's own network).
    ``in_channels=1`` takes grey images (Fashion-MNIST)."""

    def __init__(
        self, num_classes: int = 10, in_channels: int = 3, C: int = 16, N: int = 5
    ) -> None:
        super().__init__()
        self.space = NB201Space(num_classes=num_classes)
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, C, 3, padding=1, bias=False), nn.BatchNorm2d(C)
        )
        layers: list[nn.Module] = []
        channels = C
        for stage in range(3):
            if stage:
                layers.append(_ResBlock(channels, 2 * channels))
                channels *= 2
            layers += [_NB201Cell(channels) for _ in range(N)]
        self.layers = nn.ModuleList(layers)
        self.head = nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=False))
        self.classifier = nn.Linear(channels, num_classes)

    def feature_layers(self) -> list[nn.Module]:
        """Every cell and reduction block, in order."""
        return list(self.layers)

    def forward(self, x: torch.Tensor, arch: Sequence[int]) -> torch.Tensor:
        x = self.stem(x)
        for layer in self.layers:
            x = layer(x, arch) if isinstance(layer, _NB201Cell) else layer(x)
        x = self.head(x).mean(dim=(2, 3))
        return self.classifier(x)


# -- NAS-Bench-Macro ---------------------------------------------------------------------------
class _MBConv(nn.Module):
    """MobileNetV2 inverted residual: 1x1 expand, k x k depthwise, 1x1 linear projection."""

    def __init__(self, c_in: int, c_out: int, stride: int, expand: int, kernel: int) -> None:
        super().__init__()
        hidden = c_in * expand
        self.body = nn.Sequential(
            nn.Conv2d(c_in, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=False),
            nn.Conv2d(hidden, hidden, kernel, stride, kernel // 2, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=False),
            nn.Conv2d(hidden, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        return x + y if self.residual else y


def _macro_identity(c_in: int, c_out: int, stride: int) -> nn.Module:
    """Identity, or a strided 1x1 conv + BN where the layer changes shape."""
    if stride == 1 and c_in == c_out:
        return nn.Identity()
    return nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))


#: NAS-Bench-Macro's 8 searchable layers: (input channels, output channels, stride). The
#: benchmark's parameter counts are reproduced exactly (tests/oneshot/test_supernet.py).
MACRO_LAYERS = (
    (32, 64, 2),
    (64, 64, 1),
    (64, 128, 2),
    (128, 128, 1),
    (128, 128, 1),
    (128, 256, 2),
    (256, 256, 1),
    (256, 256, 1),
)


class MacroSupernet(Supernet):
    """NAS-Bench-Macro's network: a 3x3 stem (32 channels), 8 layers each choosing identity,
    MB3_K3 or MB6_K5 (``MACRO_LAYERS``), a 1x1 conv to 1280 channels, pooling and a linear
    classifier. ``width`` scales every channel count (1.0 is the benchmark's network)."""

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: float = 1.0) -> None:
        super().__init__()
        self.space = NBMacroSpace()

        def scaled(c: int) -> int:
            return max(8, round(c * width))

        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, scaled(32), 3, padding=1, bias=False),
            nn.BatchNorm2d(scaled(32)),
            nn.ReLU6(inplace=False),
        )
        self.blocks = nn.ModuleList(
            ChoiceBlock(
                i,
                [
                    _macro_identity(scaled(c_in), scaled(c_out), stride),
                    _MBConv(scaled(c_in), scaled(c_out), stride, expand=3, kernel=3),
                    _MBConv(scaled(c_in), scaled(c_out), stride, expand=6, kernel=5),
                ],
            )
            for i, (c_in, c_out, stride) in enumerate(MACRO_LAYERS)
        )
        last = scaled(MACRO_LAYERS[-1][1])
        self.head = nn.Sequential(
            nn.Conv2d(last, scaled(1280), 1, bias=False),
            nn.BatchNorm2d(scaled(1280)),
            nn.ReLU6(inplace=False),
        )
        self.classifier = nn.Linear(scaled(1280), num_classes)

    def feature_layers(self) -> list[nn.Module]:
        """The 8 searchable layers and the head."""
        return [*self.blocks, self.head]

    def forward(self, x: torch.Tensor, arch: Sequence[int]) -> torch.Tensor:
        x = self.stem(x)
        for block in self.blocks:
            x = block(x, arch)
        x = self.head(x).mean(dim=(2, 3))
        return self.classifier(x)


SUPERNETS = {"nb201": NB201Supernet, "nbmacro": MacroSupernet}


def build_supernet(
    space: str,
    *,
    num_classes: int = 10,
    in_channels: int = 3,
    width: int | float | None = None,
    depth: int | None = None,
    seed: int = 0,
) -> Supernet:
    """A supernet for the space named ``space`` (``nb201`` or ``nbmacro``), its weights
    initialised from ``seed`` (torch's global generator is left untouched).

    ``width``: NB201's ``C`` (default 16) or NB-Macro's channel multiplier (default 1.0);
    ``depth``: NB201's cells per stage ``N`` (default 5; NB-Macro's depth is fixed).
    """
    if space not in SUPERNETS:
        raise ValueError(f"space must be one of {sorted(SUPERNETS)}, got {space!r}")
    if depth is not None and (space != "nb201" or depth < 1):
        raise ValueError(f"depth is NB201's cells per stage (>= 1), got {depth} for {space}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if space == "nb201":
            net: Supernet = NB201Supernet(
                num_classes, in_channels, C=int(width or 16), N=int(depth or 5)
            )
        else:
            net = MacroSupernet(num_classes, in_channels, width=float(width or 1.0))
    net.config = {
        "space": space,
        "num_classes": num_classes,
        "in_channels": in_channels,
        "width": width,
        "depth": depth,
        "seed": seed,
    }
    return net
