#!/usr/bin/env python3
"""The PyTorch peer of `icar-bench alpine`: ALPINE's GPT training step (ALPINE.md §2) in CPU eager mode.

Written for the bench from the spec, not taken from the authors' code; it trains the way their train.py does: each
line padded with PAD 0 to block + 1 tokens, inputs its first `block` tokens and targets the same shifted by one, the
loss ignoring PAD. Prints one JSON object on stdout. Run by icar-bench with the bench-only virtual environment
(`make bench-venv`); never by the tests.
"""
import argparse
import json
import math
import os
import sys
import time


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True, help="torch intra-op threads (1 or 2 in the bench)")
    parser.add_argument("--steps", type=int, default=10, help="training steps per timed block")
    parser.add_argument("--blocks", type=int, default=3,
                        help="timed blocks of --steps steps; the fastest is reported, as the machine is shared")
    parser.add_argument("--warmup", type=int, default=5, help="untimed training steps before the timed ones")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--block", type=int, default=16)
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--heads", type=int, default=1)
    parser.add_argument("--nodes", type=int, default=100, help="graph nodes n; vocabulary n + 2 (PAD 0, newline 1)")
    parser.add_argument("--lines", type=int, default=20_000, help="random training lines to sample batches from")
    parser.add_argument("--model-seed", type=int, default=1337)
    parser.add_argument("--data-seed", type=int, default=7)
    parser.add_argument("--attention", choices=["sdpa", "explicit"], default="sdpa",
                        help="sdpa: fused scaled_dot_product_attention, as nanoGPT trains on torch ≥ 2; "
                             "explicit: masked softmax, the path that exposes attention maps")
    parser.add_argument("--omp-wait-policy", choices=["default", "passive"], default="default",
                        help="passive: OpenMP threads sleep between parallel regions instead of spinning, which "
                             "keeps torch's threads usable on a machine other processes share")
    arguments = parser.parse_args()
    if min(arguments.threads, arguments.steps, arguments.blocks) < 1 or arguments.warmup < 0:
        parser.error("--threads, --steps and --blocks must be ≥ 1, --warmup ≥ 0")
    if arguments.width % arguments.heads != 0:
        parser.error(f"--width {arguments.width} is not a multiple of --heads {arguments.heads}")
    return arguments


arguments = parse_arguments()
# Before torch loads: OpenMP sizes its pool from the environment, and set_num_threads alone leaves MKL's default.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(arguments.threads)
os.environ.pop("OMP_WAIT_POLICY", None)
if arguments.omp_wait_policy == "passive":
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import numpy  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PAD, NEWLINE = 0, 1


class LayerNormWithoutBias(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, width, heads, attention, block):
        super().__init__()
        self.heads, self.attention = heads, attention
        self.query_key_value = nn.Linear(width, 3 * width, bias=False)
        self.output = nn.Linear(width, width, bias=False)
        self.register_buffer("causal", torch.tril(torch.ones(block, block, dtype=torch.bool)), persistent=False)

    def forward(self, x):
        batch, length, width = x.shape
        head_width = width // self.heads
        query, key, value = (part.view(batch, length, self.heads, head_width).transpose(1, 2)
                             for part in self.query_key_value(x).split(width, dim=2))
        if self.attention == "sdpa":
            mixed = F.scaled_dot_product_attention(query, key, value, is_causal=True)
        else:
            scores = (query @ key.transpose(-2, -1)) / math.sqrt(head_width)
            scores = scores.masked_fill(~self.causal[:length, :length], float("-inf"))
            mixed = F.softmax(scores, dim=-1) @ value
        return self.output(mixed.transpose(1, 2).reshape(batch, length, width))


class FeedForward(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.up = nn.Linear(width, 4 * width, bias=False)
        self.down = nn.Linear(4 * width, width, bias=False)

    def forward(self, x):
        # The tanh form of GELU that nanoGPT writes out by hand; torch's fused kernel computes the same function.
        return self.down(F.gelu(self.up(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, width, heads, attention, block):
        super().__init__()
        self.attention_norm = LayerNormWithoutBias(width)
        self.attention = CausalSelfAttention(width, heads, attention, block)
        self.feed_forward_norm = LayerNormWithoutBias(width)
        self.feed_forward = FeedForward(width)

    def forward(self, x):
        x = x + self.attention(self.attention_norm(x))
        return x + self.feed_forward(self.feed_forward_norm(x))


class GPT(nn.Module):
    """Pre-LN GPT without biases; the output head is the token embedding (tied)."""

    def __init__(self, vocabulary, block, width, layers, heads, attention):
        super().__init__()
        self.token_embedding = nn.Embedding(vocabulary, width)
        self.position_embedding = nn.Embedding(block, width)
        self.blocks = nn.ModuleList(Block(width, heads, attention, block) for _ in range(layers))
        self.final_norm = LayerNormWithoutBias(width)
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
        # GPT-2's scaled init of the two projections that write into the residual stream.
        for block_module in self.blocks:
            for projection in (block_module.attention.output, block_module.feed_forward.down):
                nn.init.normal_(projection.weight, mean=0.0, std=0.02 / math.sqrt(2 * layers))

    def loss(self, tokens, targets):
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.token_embedding(tokens) + self.position_embedding(positions)
        for block_module in self.blocks:
            x = block_module(x)
        logits = self.final_norm(x) @ self.token_embedding.weight.t()
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=PAD)

    def optimiser(self, learning_rate, betas, weight_decay):
        # Decay on Linear weights only: embeddings (and with them the tied head) and LayerNorm gains are left alone.
        decayed = [module.weight for module in self.modules() if isinstance(module, nn.Linear)]
        decayed_ids = {id(parameter) for parameter in decayed}
        undecayed = [parameter for parameter in self.parameters() if id(parameter) not in decayed_ids]
        return torch.optim.AdamW([{"params": decayed, "weight_decay": weight_decay},
                                  {"params": undecayed, "weight_decay": 0.0}], lr=learning_rate, betas=betas)


def random_padded_lines(count, nodes, block, seed):
    """icar-bench's line distribution: 4–11 random node tokens (2 … nodes + 1), then newline; padded to block + 1."""
    generator = numpy.random.default_rng(seed)
    lines = numpy.full((count, block + 1), PAD, dtype=numpy.int64)
    lengths = 4 + generator.integers(0, 8, size=count)
    for row, length in enumerate(lengths):
        lines[row, :length] = 2 + generator.integers(0, nodes, size=length)
        lines[row, length] = NEWLINE
    return torch.from_numpy(lines)


def learning_rate(step, total, peak=5e-4, floor=5e-5):
    """Linear warm-up over total/20 steps, then cosine down to `floor` at `total` (ALPINE.md §2)."""
    warmup = total // 20
    if step < warmup:
        return peak * step / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return floor + 0.5 * (1 + math.cos(math.pi * progress)) * (peak - floor)


def main():
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.model_seed)
    model = GPT(arguments.nodes + 2, arguments.block, arguments.width, arguments.layers, arguments.heads,
                arguments.attention)
    optimiser = model.optimiser(5e-4, (0.9, 0.95), 0.1)
    lines = random_padded_lines(arguments.lines, arguments.nodes, arguments.block, arguments.data_seed)
    sampler = torch.Generator().manual_seed(arguments.data_seed)
    total = arguments.warmup + arguments.blocks * arguments.steps
    losses, real_targets = [], 0

    def step(index):
        nonlocal real_targets
        rows = lines[torch.randint(len(lines), (arguments.batch,), generator=sampler)]
        tokens, targets = rows[:, :-1], rows[:, 1:]
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(index, total)
        optimiser.zero_grad(set_to_none=True)
        loss = model.loss(tokens, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        losses.append(loss.item())
        real_targets += int((targets != PAD).sum())

    for index in range(arguments.warmup):
        step(index)
    real_targets = 0
    block_seconds = []
    for block in range(arguments.blocks):
        start = time.perf_counter()
        for index in range(arguments.steps):
            step(arguments.warmup + block * arguments.steps + index)
        block_seconds.append(time.perf_counter() - start)
    elapsed = min(block_seconds)
    timed_steps = arguments.blocks * arguments.steps

    if not all(math.isfinite(loss) for loss in losses):
        print(json.dumps({"error": f"non-finite loss during the bench: {losses}"}))
        return 1
    print(json.dumps({
        "peer": "pytorch-cpu-eager",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "attention": arguments.attention,
        "omp_wait_policy": arguments.omp_wait_policy,
        "batch": arguments.batch, "block": arguments.block, "width": arguments.width,
        "layers": arguments.layers, "heads": arguments.heads, "vocabulary": arguments.nodes + 2,
        "warmup_steps": arguments.warmup, "steps_per_block": arguments.steps,
        "block_seconds": block_seconds,
        "seconds": elapsed,
        "steps_per_s": arguments.steps / elapsed,
        "ms_per_step": elapsed / arguments.steps * 1e3,
        # Padded positions are computed too (ignored by the loss); icar computes only the real ones.
        "positions_per_step": arguments.batch * arguments.block,
        "real_targets_per_step": real_targets / timed_steps,
        "first_loss": losses[0], "last_loss": losses[-1],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
