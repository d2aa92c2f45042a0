#pragma once
// Clips the researcher draws on a recording, as a Raven user draws a selection (the Recording
// view's "Add as Clip", `crowlingo-cli add-clip`): cut exactly where drawn, embedded at once with
// the model of the archive's vectors, read as its other clips are (time expansion, time scale), and
// compared like every other clip (moved into the archive's retrieval space). They are the
// archive's own: when their recording is cut again (its file changed, its selections changed),
// embedFolder cuts them anew where they were, with their labels; only they can be removed by hand
// (a clip the segmentation found would come back with the next cut: label it instead).
//
// A drawn box can be drawn again (its edges dragged, as Raven's selections are): it keeps its labels.
//
//   ClipByHand c{"site1/dawn.wav", 12.40, 12.58, 2000, 6000, "alarm"};
//   ClipId id = addClipByHand(archive, model, c);          // UsageError says why it cannot
//   id = redrawClipByHand(archive, model, id, {12.42, 12.55, 2500, 6000});
//   removeClipByHand(archive, id);                         // core/archive/ClipByHandRemoval.h
//
// Threading: call from one thread; the model runs on it (tens of milliseconds for a clip).
#include "core/common/Types.h"
#include "core/segment/CallFit.h"
#include "core/segment/Segmenter.h"

#include <string>

namespace crowlingo {

class Archive;
class Model;

struct ClipByHand {
    std::string recording;          // as the archive stores it (relative to its root)
    Seconds start = 0, end = 0;     // the recording's timeline, as recorded (before time expansion)
    Hertz lowHz = 0, highHz = 0;    // the band drawn, real Hz; 0 and 0: the whole band
    std::string label;              // given as the researcher's own ("user"); "": none
};

// Checks the clip (the recording is in the archive and was read; the span lies within it; no clip
// of the recording spans exactly this), embeds it with `model` (which must be the model of the
// archive's vectors: checked by id at the archive's time scale), stores it with its vector and
// label in one transaction, and moves it into the archive's retrieval space. Holds the archive's
// writer lock meanwhile (a running `embed` of the same archive refuses it, and the other way round).
ClipId addClipByHand(Archive& archive, const Model& model, const ClipByHand& clip);

// A box drawn on `recording` fitted in to the call inside it (core/segment/CallFit.h) as the
// archive's own clips are cut: at its time expansion, padded as its event segmentation pads events
// (not at all where its clips come from a selection table, windows or whole files). Reads the file.
CallFit fitClipToCall(const Archive& archive, const std::string& recording, const Clip& box);

// Draws clip `id` (one drawn by hand) again as `box` (start, end and band on the same recording),
// checked and embedded as addClipByHand does, in one transaction: the clip keeps its labels, and
// gets a new id, vector, map place and cluster (those of the old box no longer describe it).
// Returns the new id; `id` itself when the box is unchanged.
ClipId redrawClipByHand(Archive& archive, const Model& model, ClipId id, const Clip& box);

} // namespace crowlingo
