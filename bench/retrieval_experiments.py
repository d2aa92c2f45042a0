#!/usr/bin/python3
"""Label-free ways of comparing an archive's clips, measured by leave-one-out kNN precision in
Python before any goes into core (MODEL_CARD.md, "Retrieval space", negative results of 2026-12-07):

  nuisance  the retrieval space (shrunk PCA whitening, as core/analysis/RetrievalSpace.h) followed by
            whitening against the directions that augmented views of each clip move its vector
            along (onset shift, crop, time stretch, frequency shift, a background mixed in)
  dba       database-side augmentation: each clip's vector replaced by the mean of its k nearest
            neighbours' in the retrieval space (itself included)

Usage: /usr/bin/python3 bench/retrieval_experiments.py nuisance|dba DUMP_DIR ARCHIVE [MODEL_DIR]
DUMP_DIR is what build/bench/dump_clip_mels ARCHIVE DUMP_DIR wrote; the labels are the archive's
(import them first, e.g. from the OUT/SET.labels.csv of evaluate-model.sh --knn-only)."""
import os
import sqlite3
import sys

import numpy as np
import torch

from mae_reference import Encoder, embed_clips  # bench/, beside this script


def load_dump(dump, archive):
    mels = np.load(os.path.join(dump, "mels.npy"))
    frames = np.load(os.path.join(dump, "frames.npy"))[:, 0].astype(int)
    ids = np.load(os.path.join(dump, "ids.npy"))[:, 0].astype(int)
    vectors = np.load(os.path.join(dump, "vectors.npy"))
    with sqlite3.connect(archive) as db:
        label_of = dict(db.execute("SELECT clip_id, label FROM labels"))
    return mels, frames, ids, vectors, [label_of.get(int(i)) for i in ids]


def fit_space(x, axes=128, shrink=0.3):
    """core's retrieval space: top `axes` principal axes, each scaled by 1/sqrt(var + shrink * largest)."""
    mu = x.mean(0)
    ev, v = np.linalg.eigh(np.cov((x - mu).T.astype(np.float64), bias=True))
    order = np.argsort(ev)[::-1][:axes]
    ev, v = ev[order], v[:, order]
    return mu, v / np.sqrt(ev + shrink * ev[0])


def precision(z, labels, ks=(1, 5, 10)):
    keep = [i for i, l in enumerate(labels) if l is not None]
    z, lab = z[keep], np.array([labels[i] for i in keep])
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    s = z @ z.T
    np.fill_diagonal(s, -np.inf)
    order = np.argsort(-s, axis=1, kind="stable")
    return np.round([float((lab[order[:, :k]] == lab[:, None]).mean()) for k in ks], 3)


# Augmented views of a clip [frames, mels] (dB).
def pad(c, others, r):  # the onset placed a little later (or the end): the clip's quietest frame repeated
    k = max(1, int(round(c.shape[0] * r.uniform(0.02, 0.15))))
    q = np.repeat(c[np.argmin(c.mean(1))][None], k, 0)
    return np.concatenate([q, c]) if r.random() < 0.5 else np.concatenate([c, q])


def crop(c, others, r):
    n = c.shape[0]
    k = int(round(n * r.uniform(0.0, 0.15)))
    if k == 0 or n - k < 4:
        return c
    return c[k:] if r.random() < 0.5 else c[:n - k]


def stretch(c, others, r):
    n = c.shape[0]
    t = np.linspace(0, n - 1, max(2, int(round(n * r.uniform(0.88, 1.12)))))
    i0 = np.floor(t).astype(int)
    i1 = np.minimum(i0 + 1, n - 1)
    w = (t - i0)[:, None]
    return c[i0] * (1 - w) + c[i1] * w


def fshift(c, others, r):
    s = int(r.choice([-2, -1, 1, 2]))
    out = np.roll(c, s, axis=1)
    if s > 0:
        out[:, :s] = c[:, :1]
    else:
        out[:, s:] = c[:, -1:]
    return out


def mix(c, others, r):  # another clip of the archive underneath, 6-20 dB below this one
    o = others[r.integers(len(others))]
    n = c.shape[0]
    if o.shape[0] < n:
        o = np.tile(o, (n // o.shape[0] + 1, 1))
    st = r.integers(o.shape[0] - n + 1)
    o = o[st:st + n]
    gain = (c.mean() - o.mean()) - r.uniform(6, 20)
    return 10 * np.log10(10 ** (c / 10) + 10 ** ((o + gain) / 10))


AUGMENTATIONS = {"pad": pad, "crop": crop, "stretch": stretch, "fshift": fshift, "mix": mix}


def nuisance(enc, clips, vectors, labels, kinds, views=4, betas=(1, 3, 10), seed=0):
    r = np.random.default_rng(seed)
    mu, w = fit_space(vectors)
    z = (vectors - mu) @ w
    moved = []
    for _ in range(views):
        seen = []
        for c in clips:
            x = c
            for k in kinds:
                x = AUGMENTATIONS[k](x, clips, r)
            seen.append(x.astype(np.float32))
        moved.append((embed_clips(enc, seen) - mu) @ w - z)
    d = np.concatenate(moved)
    ln, u = np.linalg.eigh(d.T @ d / len(d))
    for beta in betas:
        print(f"  {'+'.join(kinds):18s} beta {beta:>4}: {precision(z @ u / np.sqrt(ln + beta * ln.mean()), labels)}",
              flush=True)


def dba(z, k):
    zn = z / np.linalg.norm(z, axis=1, keepdims=True)
    order = np.argsort(-(zn @ zn.T), axis=1)[:, :k + 1]
    return zn[order].sum(1)


def main():
    what, dump, archive = sys.argv[1:4]
    model = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(__file__), "../resources/models/default")
    torch.set_num_threads(2)
    mels, frames, ids, vectors, labels = load_dump(dump, archive)
    enc = Encoder.load(model)
    clips = [mels[i].reshape(-1, enc.mels)[:frames[i]].copy() for i in range(len(frames))]
    mu, w = fit_space(vectors)
    z = (vectors - mu) @ w
    print(f"{archive}: {len(clips)} clips; P@1/5/10 in the retrieval space {precision(z, labels)}")
    if what == "nuisance":
        for kinds in (["pad"], ["crop"], ["stretch"], ["fshift"], ["mix"], ["pad", "stretch"]):
            nuisance(enc, clips, vectors, labels, kinds)
    elif what == "dba":
        for k in (1, 2, 3, 5):
            print(f"  k {k}: {precision(dba(z, k), labels)}")
    else:
        sys.exit(f"unknown experiment {what}")


if __name__ == "__main__":
    main()
