#!/usr/bin/python3
"""Reference for bench_frontend: the same work with torchaudio (Debian's python3-torchaudio).
Usage: /usr/bin/python3 bench/torchaudio_frontend.py [minutes=10]"""
import math, os, sys, tempfile, time
import numpy as np
import torch, torchaudio

minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
seconds = int(minutes * 60)
rate = 44100
rng = np.random.default_rng(1)
t = np.arange(rate) / rate
x = np.concatenate([0.3 * np.sin(2 * math.pi * (1000 + 500 * math.sin(s)) * t) + rng.normal(0, 0.05, rate)
                    for s in range(seconds)]).astype(np.float32)
d = tempfile.mkdtemp()
torchaudio.save(os.path.join(d, "test.wav"), torch.from_numpy(x)[None], rate, bits_per_sample=16)
exts = ["wav"]
try:  # Debian's torchaudio (sox backend) cannot write FLAC; soundfile can, where installed
    import soundfile
    soundfile.write(os.path.join(d, "test.flac"), x, rate, subtype="PCM_16")
    exts.append("flac")
except ImportError:
    print("(no python3-soundfile: FLAC row skipped)")
print(f"audio: {seconds} s mono 44.1 kHz")
for ext in exts:
    p = os.path.join(d, "test." + ext)
    t0 = time.perf_counter(); y, sr = torchaudio.load(p); t1 = time.perf_counter()
    print(f"decode .{ext:4s} native rate           : {seconds / (t1 - t0):8.0f} s audio / s")
    t0 = time.perf_counter(); y, sr = torchaudio.load(p)
    y = torchaudio.functional.resample(y, sr, 22050); t1 = time.perf_counter()
    print(f"decode .{ext:4s} + resample to 22.05 kHz: {seconds / (t1 - t0):8.0f} s audio / s")
mel = torchaudio.transforms.MelSpectrogram(22050, n_fft=1024, hop_length=256, f_min=50, f_max=11025, n_mels=128,
                                           center=False, power=2.0, norm=None, mel_scale="htk")
todb = torchaudio.transforms.AmplitudeToDB("power")
for threads in (1, 2):
    torch.set_num_threads(threads)
    t0 = time.perf_counter(); todb(mel(y)); t1 = time.perf_counter()
    print(f"log-mel (n_fft 1024, hop 256, 128 mels), {threads} thread(s): {seconds / (t1 - t0):8.0f} s audio / s")
