"""The packaged MiniLM through sentence-transformers: 384-d, normalised, and semantically sane."""

import numpy as np

from engine.models.text_encoder import load_text_encoder


def test_minilm_embeds_normalised_384d_vectors_that_group_synonyms():
    encoder = load_text_encoder()
    assert encoder.dim == 384 and encoder.identity.name == "all-MiniLM-L6-v2"
    assert len(encoder.identity.checkpoint_sha256) == 64
    vecs = encoder.encode(["red dress", "crimson gown", "black leather boots"])
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]


def test_loading_prints_no_progress_bars_and_leaves_them_on_for_others(capfd):
    from transformers.utils import logging as hf_logging

    from engine.models.text_encoder import load_text_encoder

    hf_logging.enable_progress_bar()
    load_text_encoder()
    assert "Loading weights" not in capfd.readouterr().err
    assert hf_logging.is_progress_bar_enabled()  # restored afterwards
