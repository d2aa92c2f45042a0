#pragma once
// Names around audio files: the extensions CrowLingo treats as audio, and libsndfile's names for a
// format code (SF_INFO::format), as shown in probeAudio() and the file list.
//
//   for (std::string_view ext : audioExtensions()) filter += "*" + std::string(ext) + " ";
//   sndfileFormatName(SF_FORMAT_WAV | SF_FORMAT_PCM_16);   // "WAV"
//   sndfileEncodingName(SF_FORMAT_WAV | SF_FORMAT_PCM_16); // "Signed 16 bit PCM"
//
// Threading: every function may be called from any thread (constant tables, libsndfile's static tables).
#include <span>
#include <string>
#include <string_view>

namespace crowlingo {

// Lower case, with the dot: ".wav", ".flac", ... (see hasAudioExtension() in AudioReader.h).
std::span<const std::string_view> audioExtensions();

// Short container name from libsndfile's major-format name ("WAV (Microsoft)" -> "WAV"); MPEG layer III is "MP3".
std::string sndfileFormatName(int format);

// libsndfile's name for the subtype ("Signed 16 bit PCM", "32 bit float", "Vorbis", "Opus", ...).
std::string sndfileEncodingName(int format);

} // namespace crowlingo
