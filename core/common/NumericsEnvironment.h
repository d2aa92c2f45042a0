#pragma once
// Settings that the numeric libraries and the C library read once, when they are loaded (before
// main()), so the applications put them in their environment and re-execute themselves once; a
// value the user set is always kept.
// - OMP_WAIT_POLICY=PASSIVE: LibTorch's OpenMP worker threads spin while they wait for work. On a
//   machine busy with anything else (a build, a second job, the GUI) that makes 2 threads several
//   times slower than 1 (measured: 6.9 s vs 1.3 s per training step on 2 cores).
// - OPENBLAS_CORETYPE: Debian 12's OpenBLAS (0.3.21) falls back to its SSE3 kernel (Prescott) on
//   CPUs newer than itself. Measured on an Intel Xeon of model 207 with AVX-512: embedding the demo
//   took 14.4 s, against 4.6 s with the SkylakeX kernel that CPU runs. When OpenBLAS chose a kernel
//   for fewer vector instructions than the CPU has, the kernel for the CPU's are asked for instead.
//
// - GLIBC_TUNABLES=glibc.malloc.hugetlb=1: malloc asks for transparent huge pages (where the
//   system offers them on request, Debian's default) for its large blocks: 2-MB pages instead of
//   4-KB ones, so a gigabyte of clips, vectors and map costs 512 times fewer page faults. Measured
//   opening 10^6 clips in the workbench on an AMD EPYC virtual machine, where page faults are dear:
//   4.1-4.8 s to a drawn map without, 2.5 s with, the same peak memory (BENCHMARKS.md).
//
//   int main(int argc, char** argv) { crowlingo::ensureNumericsEnvironment(argv); ... }
//
// Threading: call in main() before any thread exists.
#include <string>
#include <string_view>

namespace crowlingo {

// Puts the settings in the environment (where the user set none of them) and, if that changed it,
// re-executes the program with argv so that the libraries load with them.
void ensureNumericsEnvironment(char** argv);
// Only puts them in the environment, for a program about to start another; true if it changed it.
bool setNumericsEnvironment();

// The widest vector instructions a CPU (and its operating system) offers, as OpenBLAS' kernels use them.
enum class VectorUnits { Sse, Avx, Avx2, Avx512 };
VectorUnits cpuVectorUnits();

// The OpenBLAS kernel to ask for when OpenBLAS chose `chosen` by itself on a CPU with `cpu`; "" to
// keep its choice (it uses the CPU's widest instructions already, or the name is not one it knows).
std::string betterOpenBlasKernel(std::string_view chosen, VectorUnits cpu);

// GLIBC_TUNABLES with malloc's huge pages asked for, given its value now ("" if unset); "" to keep it
// (the user already chose glibc.malloc.hugetlb either way).
std::string tunablesWithHugePages(std::string_view tunables);

// The kernel the loaded OpenBLAS uses ("SkylakeX", "Haswell", ...); "" when the BLAS is not OpenBLAS.
std::string openBlasKernel();

} // namespace crowlingo
