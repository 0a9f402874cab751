"""Tokenizers on a hand-checked string; hash rows fixed across processes; the hash-embedding sum."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine.models.searchsage import token_hash
from engine.models.searchsage.hash_embedding import SALTS, HashEmbedding, pack, stable_hash, token_rows
from engine.models.searchsage.tokenize import all_tokens, bigrams, char_trigrams, unigrams


def test_the_three_tokenizers_on_a_hand_checked_string():
    text = "Red T-shirt!"
    assert unigrams(text) == ["red", "t", "shirt"]
    assert bigrams(text) == ["red t", "t shirt"]
    assert char_trigrams(text) == ["#re", "red", "ed#", "#t#", "#sh", "shi", "hir", "irt", "rt#"]
    assert all_tokens("A b") == ["u:a", "u:b", "b:a b", "c:#a#", "c:#b#"]
    assert all_tokens("") == []


def test_hashes_are_fixed_values_whatever_the_process():
    # Recorded once; a change here would silently re-map every trained checkpoint's tokens.
    assert [stable_hash("u:red", s) for s in SALTS] == [6590359381442516382, 14320048370384703050,
                                                        8723528848077585759]
    assert token_rows(["u:red", "c:#re"], 1000).tolist() == [[382, 50, 759], [945, 573, 627]]
    # another process with another str-hash salt (the module loaded by path: no torch import, fast)
    code = ("import importlib.util as u, sys; s = u.spec_from_file_location('th', sys.argv[1]); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); print(m.token_rows(['u:red'], 1000).tolist())")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code, token_hash.__file__], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == "[[382, 50, 759]]"


def test_bad_bucket_count_is_refused():
    with pytest.raises(ValueError, match="buckets must be positive"):
        token_rows(["u:a"], 0)


def test_a_text_vector_is_the_weighted_sum_of_its_tokens_two_rows():
    torch.manual_seed(0)
    emb = HashEmbedding(buckets=7, dim=3)
    rows_a = np.array([[1, 2, 3], [4, 4, 0]])
    rows_b = np.array([[6, 0, 5]])
    flat, offsets = pack([rows_a, rows_b])
    assert offsets.tolist() == [0, 2]
    out = emb(torch.from_numpy(flat), torch.from_numpy(offsets)).detach().numpy()
    E, W = emb.table.detach().numpy(), emb.weights.detach().numpy()

    def token(h1, h2, hw):
        return W[hw, 0] * E[h1] + W[hw, 1] * E[h2]

    np.testing.assert_allclose(out[0], token(1, 2, 3) + token(4, 4, 0), rtol=1e-5)
    np.testing.assert_allclose(out[1], token(6, 0, 5), rtol=1e-5)
