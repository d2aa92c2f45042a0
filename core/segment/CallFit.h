#pragma once
// A box drawn loosely around a call, fitted in time to where the call's energy lies: what a Raven
// user does by hand when tightening a selection, and what the clips of a selection table or of the
// event segmentation are cut to. The model's vector moves with a box's margins (MODEL_CARD, "A loose
// box among tight ones"), so a drawn clip compares better with an archive's tight clips once fitted.
//
//   const CallFit fit = fitToCall("site1/dawn.wav", {12.38, 12.62, 2000, 6000}, 1.0, 0.02);
//   if (fit.found) box = fit.box; // the same band, start and end moved in (never out)
//
// The box's band (the whole band, above 200 Hz, without one) is measured frame by frame, 2.5-ms
// hops of a 10-ms window, on the box and half a second either side. Its noise floor is the quietest
// tenth of those frames. The call is made of the stretches of frames inside the box that come
// within 20 dB of the loudest frame in the box's middle half (a loose box is drawn around its call;
// without a call there, of the whole box) (within three quarters of the way down to the floor for a
// faint call; never within 6 dB of the floor), dips of up to 5 ms bridged: from the first to the
// last. Where stretches cut by the box's edges (neighbouring calls the box clipped) lie beside
// others, the box between them is looked at again on its own, its loudest frame its reference (a
// clipped neighbour may be the louder). A box where nothing rises 6 dB above the floor holds no
// call to fit to. (Analysis times and rates are after time expansion, as the event
// segmentation's are.)
//
// Threading: a plain function; it opens its own reader.
#include "core/common/Types.h"
#include "core/segment/Segmenter.h"

#include <filesystem>
#include <string>

namespace crowlingo {

struct CallFit {
    Clip box;               // the box fitted (the one given where nothing was found)
    bool found = false;     // a call stands out of the box's floor
    double riseDb = 0;      // how far the box's loudest frame rises above the floor
    std::string why;        // when not found, why (for the user)
};

// `box` in the recording's own units (seconds, real Hz; highHz <= lowHz for the whole band). The
// call found is widened by `padding` seconds either side, within the box: as an event segmentation
// pads its events, so that a fitted box is cut as the archive's clips are. Throws AudioError when
// the file cannot be read, UsageError for a box outside the recording.
CallFit fitToCall(const std::filesystem::path& file, const Clip& box, double timeExpansion = 1.0, Seconds padding = 0);

} // namespace crowlingo
