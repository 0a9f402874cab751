"""The teacher's pair formatting, head shape and a tiny training run (a 1-layer BERT, seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.models.relevance.teacher import Teacher, TeacherSettings, encode_pairs, load_teacher, train_teacher


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from engine.models.minilm import minilm_path

    return AutoTokenizer.from_pretrained(str(minilm_path()))


def tiny_model(tokenizer):
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64, num_labels=5, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0, initializer_range=0.5))


def test_pairs_are_one_bert_pair_with_the_item_truncated(tokenizer):
    batch = encode_pairs(tokenizer, ["in red | reference: blue shirt"], ["a " * 200], max_len=24)
    ids = batch["input_ids"][0].tolist()
    assert len(ids) == 24 and ids.count(tokenizer.sep_token_id) == 2 and ids[0] == tokenizer.cls_token_id
    text = tokenizer.decode(ids)
    assert text.startswith("[CLS] in red | reference : blue shirt [SEP] a a")


def test_a_tiny_teacher_learns_two_grades_and_saves(tokenizer, tmp_path):
    queries = ["red dress"] * 16 + ["blue shirt"] * 16
    items = ["a red dress"] * 16 + ["green boots"] * 16
    targets = np.zeros((32, 5), np.float32)
    targets[:16, 4] = 1
    targets[16:, 0] = 1
    teacher, _ = train_teacher(queries, items, targets, TeacherSettings(max_len=16, epochs=15, batch_size=16,
                                                                         lr=3e-3), model=tiny_model(tokenizer),
                               tokenizer=tokenizer)
    probs = teacher.probabilities(["red dress", "blue shirt"], ["a red dress", "green boots"])
    assert probs.shape == (2, 5) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    assert probs.argmax(axis=1).tolist() == [4, 0]
    teacher.save(tmp_path / "t")
    again = load_teacher(tmp_path / "t", max_len=16)
    assert np.allclose(again.probabilities(["red dress"], ["a red dress"]), probs[:1], atol=1e-5)


def test_mismatched_inputs_are_refused(tokenizer):
    with pytest.raises(ValueError, match="as many queries"):
        train_teacher(["a"], ["b", "c"], np.zeros((1, 5)), model=tiny_model(tokenizer), tokenizer=tokenizer)


def test_a_missing_teacher_names_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="workbench train relevance"):
        load_teacher(tmp_path)


@pytest.mark.parametrize(("progress", "every_s", "lines"), [(False, None, 0), (True, None, 4), (False, 0.0, 4),
                                                             (False, 3600.0, 0)])
def test_the_teacher_prints_every_step_a_heartbeat_or_nothing(tokenizer, capsys, progress, every_s, lines):
    targets = np.zeros((4, 5), np.float32)
    targets[:, 2] = 1
    train_teacher(["q"] * 4, ["i"] * 4, targets, TeacherSettings(max_len=8, epochs=2, batch_size=2),
                  model=tiny_model(tokenizer), tokenizer=tokenizer, progress=progress, every_s=every_s)
    out = capsys.readouterr().out
    assert out.count("teacher epoch") == lines  # 2 epochs x 2 steps
