"""Which stages ran with another vocabulary than the workspace's current one, and the command that refreshes each."""

from __future__ import annotations

from dataclasses import dataclass

from engine.vocabulary.records import Vocabulary

# Stages that record the vocabulary hash they ran with, and how to refresh them (one table, used by the
# CLI, the app and the docs).
REFRESH_COMMANDS = {
    "index": "workbench index",
    "tagger": "workbench attributes tag",
    "collections": "workbench collections build",
    "fusion": "workbench train fusion",
}


@dataclass(frozen=True)
class StaleStage:
    stage: str
    recorded_hash: str | None  # None: the stage recorded no vocabulary (made before vocabularies existed)
    command: str

    def message(self, current: str) -> str:
        was = self.recorded_hash or "none recorded"
        return (f"{self.stage} was made with vocabulary {was}, the workspace's is now {current}: "
                f"refresh it with `{self.command}`")


def stale_stages(vocab: Vocabulary, recorded: dict[str, str | None]) -> list[StaleStage]:
    """The stages in `recorded` (stage -> the hash it ran with) whose hash differs from the vocabulary's."""
    return [StaleStage(stage, h, REFRESH_COMMANDS.get(stage, f"rerun {stage}"))
            for stage, h in recorded.items() if h != vocab.hash]
