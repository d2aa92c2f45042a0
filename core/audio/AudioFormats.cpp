#include "core/audio/AudioFormats.h"

#include <sndfile.h>

#include <array>

namespace crowlingo {

namespace {
// Asks libsndfile for the name of one major format or subtype code; empty if it has none.
std::string formatInfoName(int code)
{
    SF_FORMAT_INFO info{};
    info.format = code;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof info) != 0 || !info.name)
        return {};
    return info.name;
}

std::string hexCode(int code)
{
    static const char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4)
        s += digits[(unsigned(code) >> shift) & 0xf];
    return s;
}
} // namespace

std::span<const std::string_view> audioExtensions()
{
    static constexpr std::array<std::string_view, 12> extensions{
        ".wav", ".w64", ".rf64", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".aifc", ".caf"};
    return extensions;
}

std::string sndfileFormatName(int format)
{
    const int major = format & SF_FORMAT_TYPEMASK;
    if (major == SF_FORMAT_MPEG)
        return (format & SF_FORMAT_SUBMASK) == SF_FORMAT_MPEG_LAYER_III ? "MP3" : "MPEG";
    std::string name = formatInfoName(major);
    if (name.empty())
        return "format " + hexCode(major);
    // libsndfile appends a description in parentheses: "WAV (Microsoft)", "OGG (OGG Container format)".
    if (const auto paren = name.find(" ("); paren != std::string::npos)
        name.erase(paren);
    return name;
}

std::string sndfileEncodingName(int format)
{
    const int subtype = format & SF_FORMAT_SUBMASK;
    std::string name = formatInfoName(subtype);
    return name.empty() ? "encoding " + hexCode(subtype) : name;
}

} // namespace crowlingo
