#pragma once
// A time-frequency image: frames x bins, frame-major (values[t * bins + b]).
#include "core/common/Types.h"

#include <vector>

namespace crowlingo {

struct Spectrogram {
    int frames = 0;
    int bins = 0;
    std::vector<float> values;      // frame-major
    Seconds hopSeconds = 0;         // time between frames, in the recording's timeline
    Seconds startSeconds = 0;       // time of frame 0
    std::vector<Hertz> binCentres;  // size bins: centre frequency of each bin (for axes)

    float at(int t, int b) const { return values[std::size_t(t) * bins + b]; }
    float& at(int t, int b) { return values[std::size_t(t) * bins + b]; }
};

} // namespace crowlingo
