#pragma once
// Where the bundled default model lives: $CROWLINGO_MODEL if set, else next to the installed
// executable (<prefix>/share/crowlingo/models/default, seen from bin/ or libexec/crowlingo/),
// else the source tree's resources/.
//
//   Model m = Model::load(defaultModelDir());
//
// Threading: a pure function.
#include <filesystem>

namespace crowlingo {

std::filesystem::path defaultModelDir(); // throws ModelError listing the places searched
std::filesystem::path resourcesDir();    // the folder holding models/, demo/ ... (may not exist)

} // namespace crowlingo
