#!/usr/bin/python3
"""Issue 4's neighbour criterion on the synthetic demo corpus: of each caw's 5 nearest neighbours
(cosine, among all clips of the archive), how many are caws, and how many caws of the same crow.
Each clip takes the ground-truth call it overlaps most.
Usage: /usr/bin/python3 caw-neighbours.py EMBEDDINGS.npy CLIPS.csv GROUND_TRUTH.csv"""
import csv, sys
import numpy as np

emb = np.load(sys.argv[1])
emb /= np.linalg.norm(emb, axis=1, keepdims=True)
clips = list(csv.DictReader(open(sys.argv[2])))
truth = list(csv.DictReader(open(sys.argv[3])))

def call_of(c):
    s, e = float(c["start_s"]), float(c["end_s"])
    best, overlap = None, 0.0
    for g in truth:
        if g["file"] == c["path"]:
            o = min(e, float(g["end"])) - max(s, float(g["start"]))
            if o > overlap:
                best, overlap = g, o
    return best

calls = [call_of(c) for c in clips]
sim = emb @ emb.T
np.fill_diagonal(sim, -np.inf)
caws = [i for i, g in enumerate(calls) if g and g["call_type"] == "caw" and g["individual"]]
is_caw, same_crow = [], []
for i in caws:
    nn = np.argsort(-sim[i])[:5]
    is_caw.append(np.mean([bool(calls[j]) and calls[j]["call_type"] == "caw" for j in nn]))
    same_crow.append(np.mean([bool(calls[j]) and calls[j]["call_type"] == "caw"
                              and calls[j]["individual"] == calls[i]["individual"] for j in nn]))
same_crow = np.array(same_crow)
print(f"{len(caws)} caws: of their 5 nearest neighbours {np.mean(is_caw):.1%} are caws and "
      f"{same_crow.mean():.1%} caws of the same crow; {np.mean(same_crow >= 0.6):.1%} of caws have "
      f"at least 3 of 5 from their own crow")
