"""The CrowLingo encoder in PyTorch, written from the model's documented definition (MODEL_CARD.md,
core/model/), for the Python benchmarks and experiments in bench/. It loads the same
model.safetensors + config.json and reads clips out as the config's readout says (final layer; the
mean over all patches, or over each frequency row of patches with the rows concatenated, each
window's vector scaled to unit length; a clip's vector is the mean over its windows).

    enc = Encoder.load(MODEL_DIR)                  # eval mode
    vectors = embed_clips(enc, clips)              # clips: [frames, mels] log-mel dB arrays
Needs Debian's python3-torch and python3-numpy."""
import json
import math
import os
import struct

import numpy as np
import torch


def read_safetensors(path):
    """The safetensors layout: u64 header size, JSON header, raw little-endian tensor bytes."""
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(raw[base + a:base + b], dtype="<f4").copy()).reshape(info["shape"])
    return tensors


def sincos_2d(dim, rows, cols):
    q = dim // 4
    omega = 1.0 / (10000.0 ** (np.arange(q, dtype=np.float64) / q))
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    r, c = r.reshape(-1, 1).astype(np.float64), c.reshape(-1, 1).astype(np.float64)
    e = np.concatenate([np.sin(r * omega), np.cos(r * omega), np.sin(c * omega), np.cos(c * omega)], axis=1)
    return torch.from_numpy(e.astype(np.float32))[None]


class Block(torch.nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.norm1 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.qkv = torch.nn.Linear(dim, 3 * dim)
        self.proj = torch.nn.Linear(dim, dim)
        self.norm2 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = torch.nn.Linear(dim, hidden)
        self.fc2 = torch.nn.Linear(hidden, dim)

    def forward(self, x, pad):
        b, l, d = x.shape
        h = self.norm1(x)
        q, k, v = self.qkv(h).reshape(b, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        mask = torch.zeros(b, 1, 1, l, dtype=x.dtype).masked_fill(pad[:, None, None, :], float("-inf"))
        a = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // self.heads) + mask, -1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(b, l, d))
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.norm2(x))))


class Encoder(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        inp, arch = cfg["input"], cfg["architecture"]
        self.patch = inp["patch"]
        self.frames, self.mels = inp["frames"], inp["mel"]["n_mels"]
        self.rows, self.cols = self.mels // self.patch, self.frames // self.patch
        self.centre = inp.get("level", "fixed") == "window-mean"
        self.norm_mean, self.norm_std = inp["norm_mean"], inp["norm_std"]
        readout = cfg.get("readout", {"layers": ["final"], "pooling": "mean"})
        if readout.get("layers") != ["final"] or readout.get("pooling") != "mean":
            raise ValueError(f"readout {readout} is not one this reference implements (final layer, mean)")
        self.keep_rows = readout.get("rows") == "kept"
        e = arch["encoder"]
        dim = e["dim"]
        self.patch_embed = torch.nn.Linear(self.patch * self.patch, dim)
        self.blocks = torch.nn.ModuleList(
            Block(dim, e["heads"], round(arch["mlp_ratio"] * dim)) for _ in range(e["depth"]))
        self.norm = torch.nn.LayerNorm(dim, eps=1e-6)
        self.register_buffer("pos", sincos_2d(dim, self.rows, self.cols))

    @staticmethod
    def load(model_dir):
        cfg = json.load(open(os.path.join(model_dir, "config.json")))
        enc = Encoder(cfg)
        t = read_safetensors(os.path.join(model_dir, "model.safetensors"))
        sd = {"patch_embed.weight": t["encoder.patch_embed.weight"], "patch_embed.bias": t["encoder.patch_embed.bias"],
              "norm.weight": t["encoder.norm.weight"], "norm.bias": t["encoder.norm.bias"], "pos": enc.pos}
        for i in range(len(enc.blocks)):
            p = f"encoder.blocks.{i}."
            for ours, theirs in [("norm1", "norm1"), ("qkv", "attn.qkv"), ("proj", "attn.proj"), ("norm2", "norm2"),
                                 ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2")]:
                for w in ("weight", "bias"):
                    sd[f"blocks.{i}.{ours}.{w}"] = t[p + theirs + "." + w]
        enc.load_state_dict(sd)
        return enc.eval()

    def dimension(self):
        return self.norm.weight.shape[0] * (self.rows if self.keep_rows else 1)

    def forward(self, imgs, valid):
        """imgs [B, mels, frames] normalised; valid [B, N] bool. One unit vector per window."""
        b, P = imgs.shape[0], self.patch
        patches = imgs.reshape(b, self.rows, P, self.cols, P).permute(0, 1, 3, 2, 4).reshape(b, -1, P * P)
        w = valid.to(imgs.dtype)
        if self.centre:  # the window's level: mean of the patches that hold signal
            level = (patches.mean(-1) * w).sum(1) / w.sum(1).clamp_min(1)
            patches = patches - level[:, None, None]
        x = self.patch_embed(patches) + self.pos
        for blk in self.blocks:
            x = blk(x, ~valid)
        x = self.norm(x)
        groups = self.rows if self.keep_rows else 1
        x = x.reshape(b, groups, -1, x.shape[-1])
        wg = w.reshape(b, groups, -1, 1)
        v = ((x * wg).sum(2) / wg.sum(2).clamp_min(1)).reshape(b, -1)
        return v / v.norm(dim=1, keepdim=True) if self.keep_rows else v


def window_starts(n, frames):
    if n <= frames:
        return [0]
    return list(range(0, n - frames, frames // 2)) + [n - frames]


def window_input(enc, clip, start):
    """One window of a clip [frames, mels] (dB) -> normalised image [mels, frames] and valid [N]."""
    length = min(enc.frames, clip.shape[0] - start)
    x = (clip[start:start + length] - enc.norm_mean) / enc.norm_std
    img = np.zeros((enc.mels, enc.frames), np.float32)
    img[:, :length] = x.T
    cols = -(-length // enc.patch)
    img[:, length:cols * enc.patch] = x.mean() if enc.centre else 0.0
    valid = np.zeros((enc.rows, enc.cols), bool)
    valid[:, :cols] = True
    return img, valid.reshape(-1)


def embed_clips(enc, clips, batch=32):
    wins, owner = [], []
    for i, c in enumerate(clips):
        for s in window_starts(c.shape[0], enc.frames):
            wins.append(window_input(enc, c, s))
            owner.append(i)
    out = np.zeros((len(clips), enc.dimension()), np.float64)
    count = np.zeros(len(clips))
    with torch.inference_mode():
        for a in range(0, len(wins), batch):
            imgs = torch.from_numpy(np.stack([w[0] for w in wins[a:a + batch]]))
            valid = torch.from_numpy(np.stack([w[1] for w in wins[a:a + batch]]))
            v = enc(imgs, valid).numpy()
            for k, i in enumerate(owner[a:a + batch]):
                out[i] += v[k]
                count[i] += 1
    return (out / count[:, None]).astype(np.float32)
