#!/usr/bin/env bash
# Installs every Debian 12 package that CrowLingo's build, app and tests need.
# Idempotent and non-interactive; run as root (or through sudo).
# Pass --bench to add what bench/ and the reference scripts need (PyTorch, torchaudio, umap-learn),
# --fuzz for the libFuzzer harnesses (clang 14).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  # Qt 6.4: Widgets, Charts, Multimedia, Concurrent, Test
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-multimedia-dev libqt6opengl6-dev
  libgl-dev libxkbcommon-dev fonts-dejavu-core
  # core: model, DSP, audio I/O, archive, search, figures, hashing, CLI
  libtorch-dev libopenblas0-openmp libfaiss-dev
  libblas-dev   # cblas.h: the classifier (core/analysis) calls BLAS directly
  libfftw3-dev libsndfile1-dev libsoxr-dev libsqlite3-dev libcairo2-dev libssl-dev
  nlohmann-json3-dev libcli11-dev libsqlitecpp-dev
  # tests: audio output into a null sink, screenshots, inspecting archives
  pulseaudio pulseaudio-utils xvfb xauth x11-apps sqlite3
  # tests of the packaging recipes: a one-node Slurm cluster, the .deb's man page and metadata
  slurmctld slurmd slurm-client dpkg-dev help2man appstream desktop-file-utils librsvg2-bin
)
for arg in "$@"; do
  case $arg in
    --bench) packages+=(python3-torch python3-torchaudio python3-soundfile umap-learn python3-numpy python3-sklearn gnuplot-nox) ;;
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;   # fuzz/README.md
    *) echo "setup-debian.sh: unknown option $arg (--bench, --fuzz)" >&2; exit 2 ;;
  esac
done

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# LibTorch links the generic libblas.so.3; with Debian's reference BLAS a 1024^2 matmul runs
# ~30x slower than with OpenBLAS. Make sure the OpenMP OpenBLAS is the selected alternative.
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3; do
  alt="/usr/lib/$arch/openblas-openmp/$lib"
  if [[ -e "$alt" ]]; then
    $SUDO update-alternatives --set "$lib-$arch" "$alt" >/dev/null
  fi
done
echo "setup-debian: all packages present"
