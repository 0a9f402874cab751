"""The early-fusion composed-query encoder (the MagicLens role): model, triplet mining, training, checkpoints."""

from engine.models.fusion.checkpoint import (
    COMMITTED_CHECKPOINT,
    FUSION_MODEL_NAME,
    FusionMeta,
    load_fusion,
    read_fusion_meta,
    save_fusion,
)
from engine.models.fusion.loader import fusion_for, recorded_vocabulary, workspace_checkpoint
from engine.models.fusion.model import Combiner, FusionArchitecture, compose
from engine.models.fusion.train import FusionReport, FusionSettings, train_fusion
from engine.models.fusion.triplets import MiningPlan, Triplet, TripletError, is_held_out, mine_triplets, mining_plan

__all__ = [
    "COMMITTED_CHECKPOINT",
    "FUSION_MODEL_NAME",
    "Combiner",
    "FusionArchitecture",
    "FusionMeta",
    "FusionReport",
    "FusionSettings",
    "MiningPlan",
    "Triplet",
    "TripletError",
    "compose",
    "fusion_for",
    "is_held_out",
    "load_fusion",
    "mine_triplets",
    "mining_plan",
    "read_fusion_meta",
    "recorded_vocabulary",
    "save_fusion",
    "train_fusion",
    "workspace_checkpoint",
]
