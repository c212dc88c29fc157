"""Learn the strength encoder's adapter (LoRA) with PyTorch: the training half of ``pipeline.encoder``.

PyTorch is needed here only (``pip install torch==2.13.0``, or the ``finetune`` extra); scoring
runs on numpy (``pipeline.encoder``). The network below is the same BERT as
``encoder.pooled`` (same weights, same operations, GELU in its tanh form, plus dropout while
training); the base weights are frozen, and what is learnt (the adapter) is returned as numpy arrays named like
the base weights: ``<dense>.lora_a`` / ``<dense>.lora_b`` (rank x in, out x rank), replaced biases
and layer norms, and ``head.weight`` / ``head.bias``.
"""

from __future__ import annotations

import math
import time

import numpy as np

from pipeline.errors import ClaimcheckError

INSTALL_TORCH = "pip install torch==2.13.0"
DROPOUT = 0.1


class FinetuneError(ClaimcheckError):
    """The encoder cannot be fine-tuned here (PyTorch missing, no rows)."""


def _torch():
    try:
        import torch
    except ImportError as exc:
        raise FinetuneError(
            f"fine-tuning the strength encoder needs PyTorch; install it with: {INSTALL_TORCH} "
            "(`claimcheck train` does not: it reuses the committed encoder)") from exc
    return torch


def build_network(torch, config: dict, base: dict, rank: int, alpha: float, n_classes: int):
    """The torch BERT with LoRA on every dense layer; only adapter parameters require grad."""
    nn = torch.nn
    F = torch.nn.functional

    def frozen(name):
        return torch.from_numpy(np.array(base[name], dtype=np.float32))

    class Dense(nn.Module):
        def __init__(self, name):
            super().__init__()
            w = frozen(name + ".weight")
            self.register_buffer("weight", w)
            self.bias = nn.Parameter(frozen(name + ".bias"))
            self.lora_a = nn.Parameter(torch.randn(rank, w.shape[1]) / math.sqrt(w.shape[1]))
            self.lora_b = nn.Parameter(torch.zeros(w.shape[0], rank))

        def forward(self, x):
            return F.linear(x, self.weight, self.bias) + (x @ self.lora_a.T @ self.lora_b.T) * (alpha / rank)

    class Norm(nn.Module):
        def __init__(self, name):
            super().__init__()
            self.weight = nn.Parameter(frozen(name + ".weight"))
            self.bias = nn.Parameter(frozen(name + ".bias"))

        def forward(self, x):
            return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, float(config.get("layer_norm_eps", 1e-12)))

    heads = int(config["num_attention_heads"])

    class Layer(nn.Module):
        def __init__(self, i):
            super().__init__()
            p = f"encoder.layer.{i}."
            self.q, self.k, self.v = (Dense(p + f"attention.self.{x}") for x in ("query", "key", "value"))
            self.out, self.ln1 = Dense(p + "attention.output.dense"), Norm(p + "attention.output.LayerNorm")
            self.up, self.down = Dense(p + "intermediate.dense"), Dense(p + "output.dense")
            self.ln2 = Norm(p + "output.LayerNorm")

        def forward(self, x, bias):
            n, t, h = x.shape
            d = h // heads
            q, k, v = (m(x).view(n, t, heads, d).transpose(1, 2) for m in (self.q, self.k, self.v))
            p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
            ctx = (F.dropout(p, DROPOUT, self.training) @ v).transpose(1, 2).reshape(n, t, h)
            x = self.ln1(F.dropout(self.out(ctx), DROPOUT, self.training) + x)
            y = self.down(F.gelu(self.up(x), approximate="tanh"))  # as encoder._gelu
            return self.ln2(F.dropout(y, DROPOUT, self.training) + x)

    class Network(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("word", frozen("embeddings.word_embeddings.weight"))
            self.register_buffer("pos", frozen("embeddings.position_embeddings.weight"))
            self.register_buffer("type0", frozen("embeddings.token_type_embeddings.weight")[0])
            self.emb_ln = Norm("embeddings.LayerNorm")
            self.layers = nn.ModuleList(Layer(i) for i in range(int(config["num_hidden_layers"])))
            self.head = nn.Linear(self.word.shape[1], n_classes)

        def forward(self, ids, mask):
            x = self.emb_ln(self.word[ids] + self.pos[: ids.shape[1]] + self.type0)
            x = F.dropout(x, DROPOUT, self.training)
            bias = torch.where(mask[:, None, None, :] > 0, 0.0, -1e9)
            for layer in self.layers:
                x = layer(x, bias)
            m = mask[..., None].to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return self.head(F.dropout(pooled, DROPOUT, self.training))

    return Network()


def adapter_arrays(network) -> dict:
    """The learnt parameters as float32 numpy arrays, named like the base model's weights."""
    names = {"emb_ln": "embeddings.LayerNorm", "ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm",
             "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "out": "attention.output.dense", "up": "intermediate.dense", "down": "output.dense"}
    out = {}
    for name, param in network.named_parameters():
        parts = name.split(".")
        if parts[0] == "layers":
            key = f"encoder.layer.{parts[1]}.{names[parts[2]]}.{parts[3]}"
        elif parts[0] == "emb_ln":
            key = f"{names['emb_ln']}.{parts[1]}"
        else:
            key = name
        out[key] = param.detach().numpy().astype(np.float32).copy()
    return out


def _batches(lengths, size: int, rng) -> list[np.ndarray]:
    # batches of similar length (little padding), in random order
    order = np.argsort(np.asarray(lengths) + rng.uniform(0, 8, len(lengths)), kind="stable")
    batches = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


def fit_adapter(texts, y, sample_weight, est, log=None) -> dict:
    """Fine-tune an adapter for ``StrengthEncoder`` ``est`` (its rank, alpha, epochs, learning_rate,
    batch_size, seed) on texts and class indices; returns the adapter's arrays."""
    torch = _torch()
    from pipeline.encoder import padded
    from pipeline.minilm import load_base, token_ids

    if len(texts) == 0:
        raise FinetuneError("no rows with a strength to fine-tune the encoder on")
    config, base = load_base()
    torch.manual_seed(est.seed)
    rng = np.random.default_rng(est.seed)
    ids = token_ids(texts)
    y = torch.as_tensor(np.asarray(y, dtype=np.int64))
    w = torch.as_tensor(np.ones(len(ids)) if sample_weight is None else np.asarray(sample_weight, float),
                        dtype=torch.float32)
    net = build_network(torch, config, base, est.rank, est.alpha, int(y.max()) + 1)
    decay = [p for n, p in net.named_parameters() if n.endswith(("lora_a", "lora_b")) or n == "head.weight"]
    other = [p for n, p in net.named_parameters() if not (n.endswith(("lora_a", "lora_b")) or n == "head.weight")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": other, "weight_decay": 0.0}],
                            lr=est.learning_rate)
    steps = est.epochs * math.ceil(len(ids) / est.batch_size)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / warm if s < warm else max(0.0, (steps - s) / max(1, steps - warm)))
    lengths = [len(s) for s in ids]
    start, done = time.perf_counter(), 0
    net.train()
    for epoch in range(est.epochs):
        for batch in _batches(lengths, est.batch_size, rng):
            tokens, mask = (torch.from_numpy(a) for a in padded([ids[i] for i in batch]))
            losses = torch.nn.functional.cross_entropy(net(tokens, mask), y[batch], reduction="none")
            loss = (losses * w[batch]).sum() / w[batch].sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            done += 1
            if log is not None and (done % 50 == 0 or done == steps):
                log(f"fine-tuning the strength encoder: step {done}/{steps} (epoch {epoch + 1}), "
                    f"loss {loss.item():.3f}, {time.perf_counter() - start:.0f} s")
    net.eval()
    return adapter_arrays(net)
