#pragma once
// LibTorch's OpenMP worker threads spin while they wait for work. On a machine that is busy with
// anything else (a build, a second job, the GUI) that makes 2 threads several times slower than 1
// (measured: 6.9 s vs 1.3 s per training step on 2 cores). libgomp reads OMP_WAIT_POLICY once,
// when it is loaded — before main() — so the applications re-execute themselves once with
// OMP_WAIT_POLICY=PASSIVE unless the user chose a policy.
//
//   int main(int argc, char** argv) { crowlingo::ensurePassiveOpenMpWait(argv); ... }
//
// Threading: call first thing in main(), before any thread exists.
namespace crowlingo {

void ensurePassiveOpenMpWait(char** argv);

} // namespace crowlingo
