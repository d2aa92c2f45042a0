#!/usr/bin/python3
"""Python reference for bench_endtoend (issue: archive benchmarks). With Debian's python3-torch and
python3-torchaudio only, it
 1. loads the same safetensors weights + config.json into an equivalent PyTorch Audio-MAE encoder
    (bench/mae_reference.py, written from the model's documented definition, not generated from the C++),
 2. embeds the exact log-mel clips core dumped (OUT_DIR/mels.npy, frames.npy) and checks that its
    vectors equal core's (OUT_DIR/embeddings.npy) within 1e-4,
 3. measures end-to-end throughput on the same folder: torchaudio decode + resample + log-mel of
    fixed 1.5 s windows + the model, with 1 and 2 threads.
Usage: /usr/bin/python3 bench/python_reference.py MODEL_DIR CORPUS_DIR OUT_DIR"""
import glob, json, os, sys, time
import numpy as np
import torch, torchaudio

from mae_reference import Encoder, embed_clips  # bench/, beside this script

model_dir, corpus, out = sys.argv[1:4]
cfg = json.load(open(os.path.join(model_dir, "config.json")))
mel_cfg = cfg["input"]["mel"]
MELS = mel_cfg["n_mels"]

enc = Encoder.load(model_dir)

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
