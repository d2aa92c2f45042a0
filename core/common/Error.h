#pragma once
// Typed errors. Every message names the operation and, where there is one, the file:
//   cannot read "site3/0412.flac": libsndfile: unrecognised format
#include <filesystem>
#include <stdexcept>
#include <string>

namespace crowlingo {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct AudioError : Error { using Error::Error; };   // decode, resample, unreadable files
struct ModelError : Error { using Error::Error; };   // weights/config parsing, shape mismatches
struct ArchiveError : Error { using Error::Error; }; // SQLite archive
struct UsageError : Error { using Error::Error; };   // bad parameters (e.g. a segment spec)
struct OutputExistsError : UsageError { using UsageError::UsageError; }; // an output file exists and may not be replaced

// "cannot <what> \"<path>\": <why>" — the one phrasing used across core.
inline std::string fileError(std::string_view what, const std::filesystem::path& path, std::string_view why)
{
    return "cannot " + std::string(what) + " \"" + path.string() + "\": " + std::string(why);
}

} // namespace crowlingo
