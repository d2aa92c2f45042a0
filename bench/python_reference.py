#!/usr/bin/python3
"""Python reference for bench_endtoend (issue: archive benchmarks). With Debian's python3-torch and
python3-torchaudio only, it
 1. loads the same safetensors weights + config.json into an equivalent PyTorch Audio-MAE encoder
    (written here from the model's documented definition, not generated from the C++),
 2. embeds the exact log-mel clips core dumped (OUT_DIR/mels.npy, frames.npy) and checks that its
    vectors equal core's (OUT_DIR/embeddings.npy) within 1e-4,
 3. measures end-to-end throughput on the same folder: torchaudio decode + resample + log-mel of
    fixed 1.5 s windows + the model, with 1 and 2 threads.
Usage: /usr/bin/python3 bench/python_reference.py MODEL_DIR CORPUS_DIR OUT_DIR"""
import glob, json, math, os, struct, sys, time
import numpy as np
import torch, torchaudio

model_dir, corpus, out = sys.argv[1:4]
cfg = json.load(open(os.path.join(model_dir, "config.json")))
inp, arch = cfg["input"], cfg["architecture"]
mel_cfg = inp["mel"]
P, FRAMES, MELS = inp["patch"], inp["frames"], mel_cfg["n_mels"]
ROWS, COLS = MELS // P, FRAMES // P
CENTRE = inp.get("level", "fixed") == "window-mean"
NORM_MEAN, NORM_STD = inp["norm_mean"], inp["norm_std"]


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
        mask = torch.zeros(b, 1, 1, l).masked_fill(pad[:, None, None, :], float("-inf"))
        a = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask) if hasattr(
            torch.nn.functional, "scaled_dot_product_attention") else torch.softmax(
            q @ k.transpose(-2, -1) / math.sqrt(d // self.heads) + mask, -1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(b, l, d))
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.norm2(x))))


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        e = arch["encoder"]
        dim = e["dim"]
        self.patch_embed = torch.nn.Linear(P * P, dim)
        self.blocks = torch.nn.ModuleList(
            Block(dim, e["heads"], round(arch["mlp_ratio"] * dim)) for _ in range(e["depth"]))
        self.norm = torch.nn.LayerNorm(dim, eps=1e-6)
        self.register_buffer("pos", sincos_2d(dim, ROWS, COLS))

    def load(self, t):
        sd = {"patch_embed.weight": t["encoder.patch_embed.weight"], "patch_embed.bias": t["encoder.patch_embed.bias"],
              "norm.weight": t["encoder.norm.weight"], "norm.bias": t["encoder.norm.bias"], "pos": self.pos}
        for i in range(len(self.blocks)):
            p = f"encoder.blocks.{i}."
            for ours, theirs in [("norm1", "norm1"), ("qkv", "attn.qkv"), ("proj", "attn.proj"), ("norm2", "norm2"),
                                 ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2")]:
                for w in ("weight", "bias"):
                    sd[f"blocks.{i}.{ours}.{w}"] = t[p + theirs + "." + w]
        self.load_state_dict(sd)

    def forward(self, imgs, valid):
        """imgs [B, mels, frames] normalised; valid [B, N] bool. Mean-pooled embeddings [B, dim]."""
        b = imgs.shape[0]
        patches = imgs.reshape(b, ROWS, P, COLS, P).permute(0, 1, 3, 2, 4).reshape(b, ROWS * COLS, P * P)
        w = valid.float()
        if CENTRE:  # the window's level: mean of the patches that hold signal
            level = (patches.mean(-1) * w).sum(1) / w.sum(1).clamp_min(1)
            patches = patches - level[:, None, None]
        x = self.patch_embed(patches) + self.pos
        for blk in self.blocks:
            x = blk(x, ~valid)
        x = self.norm(x)
        return (x * w[..., None]).sum(1) / w.sum(1).clamp_min(1)[:, None]


def window_starts(n):
    if n <= FRAMES:
        return [0]
    starts = list(range(0, n - FRAMES, FRAMES // 2))
    return starts + [n - FRAMES]


def window_input(clip, start):
    """One window of a clip [frames, mels] (dB) -> normalised image [mels, FRAMES] and valid [N]."""
    length = min(FRAMES, clip.shape[0] - start)
    x = (clip[start:start + length] - NORM_MEAN) / NORM_STD
    img = np.zeros((MELS, FRAMES), np.float32)
    img[:, :length] = x.T
    cols = -(-length // P)
    img[:, length:cols * P] = x.mean() if CENTRE else 0.0
    valid = np.zeros((ROWS, COLS), bool)
    valid[:, :cols] = True
    return img, valid.reshape(-1)


def embed_clips(enc, clips, batch=32):
    wins, owner = [], []
    for i, c in enumerate(clips):
        for s in window_starts(c.shape[0]):
            wins.append(window_input(c, s))
            owner.append(i)
    out = np.zeros((len(clips), enc.norm.weight.shape[0]), np.float64)
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


enc = Encoder()
enc.load(read_safetensors(os.path.join(model_dir, "model.safetensors")))
enc.eval()

# 1. Same inputs, same weights: same vectors?
mels = np.load(os.path.join(out, "mels.npy"))
frames = np.load(os.path.join(out, "frames.npy"))[:, 0].astype(int)
want = np.load(os.path.join(out, "embeddings.npy"))
clips = [mels[i].reshape(-1, MELS)[:frames[i]] for i in range(len(frames))]
torch.set_num_threads(2)
got = embed_clips(enc, clips)
diff = float(np.abs(got - want).max())
print(f"equivalence: {len(clips)} clips ({frames.min()}-{frames.max()} frames), max |PyTorch - core| = {diff:.2e} "
      f"-> {'PASS' if diff < 1e-4 else 'FAIL'} (limit 1e-4)")

# 2. End-to-end throughput: decode, resample, fixed 1.5 s windows, log-mel, model.
mel_tf = torchaudio.transforms.MelSpectrogram(
    sample_rate=mel_cfg["sample_rate"], n_fft=mel_cfg["n_fft"], hop_length=mel_cfg["hop"], n_mels=MELS,
    f_min=mel_cfg["f_min"], f_max=mel_cfg["f_max"], power=2.0, mel_scale="htk", center=False)
files = sorted(glob.glob(os.path.join(corpus, "**", "*.*"), recursive=True))
files = [f for f in files if f.lower().endswith((".wav", ".flac", ".ogg", ".mp3"))]
try:
    import soundfile  # Debian's torchaudio reads FLAC through sox only where built so; soundfile always can
    def load(f):
        x, sr = soundfile.read(f, dtype="float32", always_2d=True)
        return torch.from_numpy(x.T.copy()), sr
except ImportError:
    load = torchaudio.load
for threads in (1, 2):
    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    seconds, nclips = 0.0, 0
    for f in files:
        x, sr = load(f)
        x = x.mean(0, keepdim=True)
        seconds += x.shape[1] / sr
        x = torchaudio.functional.resample(x, sr, mel_cfg["sample_rate"])[0]
        win = int(round(1.5 * mel_cfg["sample_rate"]))
        cl = []
        for a in range(0, x.shape[0] - win + 1, win):
            m = mel_tf(x[a:a + win])
            cl.append((10 * torch.log10(m.clamp_min(1e-10))).T.numpy())
        embed_clips(enc, cl)
        nclips += len(cl)
    t = time.perf_counter() - t0
    print(f"PyTorch threads {threads}: {nclips} clips, {seconds:.1f} s of audio in {t:.2f} s: "
          f"{seconds / t:.0f} s audio/s, {nclips / t:.0f} clips/s")
