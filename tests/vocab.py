"""The fashion sample's vocabulary and lexicon, for tests of stages that take a workspace vocabulary."""

from engine.query.lexicon import lexicon_for
from sample_data.workspace_vocabulary import fashion_vocabulary


def fashion_lexicon():
    return lexicon_for(fashion_vocabulary())
