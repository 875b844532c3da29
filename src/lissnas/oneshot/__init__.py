"""One-shot NAS with PyTorch (extra ``torch``): supernets over a (shrunk) space, training
with checkpoints, BatchNorm-recalibrated evaluation, evolutionary search, standalone
training, ground-truth tables (trained, or looked up in a benchmark), and NAS-LID's
splitting of a supernet by layer-wise local intrinsic dimension."""

try:
    import torch  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover - exercised without the extra
    raise ModuleNotFoundError(
        "lissnas.oneshot needs PyTorch: pip install 'lissnas[torch]'"
    ) from None

from lissnas.oneshot._benchmark_truth import benchmark_ground_truth
from lissnas.oneshot._data import (
    FASHION_MNIST_DIR,
    ImageData,
    load_cifar10,
    load_dataset,
    load_fashion_mnist,
    random_crop_flip,
)
from lissnas.oneshot._evaluate import (
    CALIB_BATCH_SIZE,
    accuracy,
    align_group_means,
    evaluate_archs,
    kendall_tau_by_group,
    ranking_correlation,
    recalibrate_bn,
    runs_agreement,
)
from lissnas.oneshot._lid import (
    lid_mle,
    lid_profile,
    operator_profiles,
    operator_similarity,
    profile_similarity,
)
from lissnas.oneshot._sampler import ArchSampler
from lissnas.oneshot._search import EvolutionResult, evolutionary_search
from lissnas.oneshot._split import (
    SPLIT_CRITERIA,
    SplitSupernet,
    best_bipartition,
    route_regions,
    spectral_bipartition,
    split_supernet,
)
from lissnas.oneshot._standalone import (
    StandaloneResult,
    make_ground_truth,
    read_archs,
    read_truth,
    read_truth_params,
    read_truth_runs,
    train_standalone,
    write_truth,
)
from lissnas.oneshot._supernet import (
    MACRO_LAYERS,
    ChoiceBlock,
    MacroSupernet,
    NB201Supernet,
    Supernet,
    build_supernet,
)
from lissnas.oneshot._train import (
    TrainState,
    load_checkpoint,
    load_supernet,
    save_checkpoint,
    train_supernet,
)

__all__ = [
    "CALIB_BATCH_SIZE",
    "FASHION_MNIST_DIR",
    "MACRO_LAYERS",
    "SPLIT_CRITERIA",
    "ArchSampler",
    "ChoiceBlock",
    "EvolutionResult",
    "ImageData",
    "MacroSupernet",
    "NB201Supernet",
    "SplitSupernet",
    "StandaloneResult",
    "Supernet",
    "TrainState",
    "accuracy",
    "align_group_means",
    "benchmark_ground_truth",
    "best_bipartition",
    "build_supernet",
    "evaluate_archs",
    "evolutionary_search",
    "kendall_tau_by_group",
    "lid_mle",
    "lid_profile",
    "load_checkpoint",
    "load_cifar10",
    "load_dataset",
    "load_fashion_mnist",
    "load_supernet",
    "make_ground_truth",
    "operator_profiles",
    "operator_similarity",
    "profile_similarity",
    "random_crop_flip",
    "ranking_correlation",
    "read_archs",
    "read_truth",
    "read_truth_params",
    "read_truth_runs",
    "recalibrate_bn",
    "route_regions",
    "runs_agreement",
    "save_checkpoint",
    "spectral_bipartition",
    "split_supernet",
    "train_standalone",
    "train_supernet",
    "write_truth",
]
