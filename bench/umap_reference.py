#!/usr/bin/python3
"""umap-learn on bench_projection's data (same files, same parameters: 15 neighbours, min_dist 0.1,
cosine, 2 threads). Usage: /usr/bin/python3 bench/umap_reference.py OUT N..."""
import os, sys, time
os.environ.setdefault("NUMBA_NUM_THREADS", "2")
import numpy as np
import umap

out, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
# numba compiles umap-learn's kernels on first use: warm up so the timings are of the work alone.
umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", n_jobs=2).fit_transform(
    np.random.default_rng(0).normal(size=(2000, 256)).astype(np.float32))
for n in sizes:
    data = np.fromfile(os.path.join(out, f"data_{n}.f32"), dtype=np.float32).reshape(n, 256)
    t0 = time.perf_counter()
    xy = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", random_state=None, n_jobs=2).fit_transform(data)
    t = time.perf_counter() - t0
    xy.astype(np.float32).tofile(os.path.join(out, f"umaplearn_{n}.f32"))
    open(os.path.join(out, f"umaplearn_{n}.txt"), "w").write(f"{t}\n")
    print(f"N {n:7d}: umap-learn {umap.__version__} {t:.1f} s")
