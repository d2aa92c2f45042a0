#!/usr/bin/python3
"""Reference log-mel spectrograms from torchaudio, for tst_melspectrogram.

Regenerate (Debian's python3-torchaudio; torch 1.13 / torchaudio 0.13 were used):
    /usr/bin/python3 tests/dsp/make_mel_reference.py

Writes, under tests/dsp/data/ (raw little-endian float32, no header):
  signal-22050hz-1s.f32                    the test signal, 22050 samples
  mel-22050-n1024-h256-m128-f50-11025.f32  log-mel dB, frame-major (frames x 128)
  mel-22050-n512-h128-m64-f0-8000.f32      log-mel dB, frame-major (frames x 64)

The signal is built here (numpy, fixed seed) and stored, so the C++ test reads exactly the
samples torchaudio saw. The reference is computed in float64 so that it is the "true" value
and the C++ float32 implementation is judged against it, not against torch's float32 rounding.
"""
import pathlib

import numpy as np
import torch
import torchaudio

SAMPLE_RATE = 22050
DATA = pathlib.Path(__file__).resolve().parent / "data"

# name suffix -> (n_fft, hop, n_mels, f_min, f_max)
CONFIGS = {
    "mel-22050-n1024-h256-m128-f50-11025": (1024, 256, 128, 50.0, 11025.0),
    "mel-22050-n512-h128-m64-f0-8000": (512, 128, 64, 0.0, 8000.0),
}


def make_signal() -> np.ndarray:
    """1 s: a 1 kHz tone, a 3.5 kHz tone in the second half, a 300 Hz -> 9 kHz linear chirp,
    and seeded white noise, so that every mel band holds energy well above the dB floor."""
    t = np.arange(SAMPLE_RATE, dtype=np.float64) / SAMPLE_RATE
    x = 0.30 * np.sin(2 * np.pi * 1000.0 * t)
    x += 0.20 * np.sin(2 * np.pi * 3500.0 * t) * (t >= 0.5)
    f0, f1 = 300.0, 9000.0  # chirp: instantaneous frequency f0 + (f1 - f0) t over 1 s
    x += 0.15 * np.sin(2 * np.pi * (f0 * t + 0.5 * (f1 - f0) * t * t))
    x += 0.01 * np.random.default_rng(20240611).standard_normal(SAMPLE_RATE)
    return x.astype(np.float32)


def log_mel(signal: np.ndarray, n_fft: int, hop: int, n_mels: int, f_min: float, f_max: float) -> np.ndarray:
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=SAMPLE_RATE, n_fft=n_fft, hop_length=hop, f_min=f_min, f_max=f_max,
        n_mels=n_mels, window_fn=torch.hann_window, power=2.0, center=False, norm=None,
        mel_scale="htk").double()
    to_db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=None)
    x = torch.from_numpy(signal.astype(np.float64))
    db = to_db(mel(x))              # (n_mels, frames)
    return db.T.contiguous().numpy().astype(np.float32)  # frame-major, as Spectrogram::values


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    signal = make_signal()
    signal.astype("<f4").tofile(DATA / "signal-22050hz-1s.f32")
    for name, (n_fft, hop, n_mels, f_min, f_max) in CONFIGS.items():
        ref = log_mel(signal, n_fft, hop, n_mels, f_min, f_max)
        ref.astype("<f4").tofile(DATA / f"{name}.f32")
        print(f"{name}: {ref.shape[0]} frames x {ref.shape[1]} mels, "
              f"{ref.min():.1f} .. {ref.max():.1f} dB")


if __name__ == "__main__":
    main()
