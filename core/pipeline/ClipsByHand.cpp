#include "core/pipeline/ClipsByHand.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveSettings.h"
#include "core/archive/ArchiveWriterLock.h"
#include "core/archive/ClipFeatures.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/audio/AudioReader.h"
#include "core/common/Error.h"
#include "core/model/Embedder.h"
#include "core/model/Model.h"
#include "core/segment/Segmenter.h"

#include <cmath>
#include <sstream>

namespace crowlingo {

namespace {

std::string seconds(double s)
{
    std::ostringstream out;
    out.precision(6);
    out << s << " s";
    return out.str();
}

// Why the box cannot be a clip of `rec`, or "".
std::string boxProblem(const Clip& c, const RecordingRow& rec)
{
    if (!std::isfinite(c.start) || !std::isfinite(c.end) || c.start < 0 || c.end <= c.start)
        return "a clip needs 0 <= start < end (given " + seconds(c.start) + " to " + seconds(c.end) + ")";
    // The duration is stored rounded by the decoder's frame count: a span drawn to the very end passes.
    if (c.end > rec.duration + 1e-6)
        return "the recording lasts " + seconds(rec.duration) + "; the clip would end at " + seconds(c.end);
    const bool wholeBand = c.lowHz == 0 && c.highHz == 0;
    if (!wholeBand && (!std::isfinite(c.lowHz) || !std::isfinite(c.highHz) || c.lowHz < 0 || c.highHz <= c.lowHz))
        return "a band needs 0 <= low < high (given " + std::to_string(c.lowHz) + " to " + std::to_string(c.highHz) + " Hz)";
    if (!wholeBand && rec.sampleRate > 0 && c.highHz > rec.sampleRate / 2.0 + 1e-6)
        return "the band reaches " + std::to_string(int(std::lround(c.highHz))) + " Hz, above the recording's "
               + std::to_string(int(rec.sampleRate / 2)) + " Hz (half its sample rate)";
    return {};
}

bool sameBox(const Clip& a, const ClipRow& b)
{
    return a.start == b.start && a.end == b.end && a.lowHz == b.lowHz && a.highHz == b.highHz;
}

// A box checked against the archive and embedded, ready to be stored.
struct CheckedBox {
    std::string modelId;
    std::int64_t recordingId = 0;
    std::vector<float> vector;
};

// Checks `box` on `recording` (`replacing`: the clip it is drawn again from, which may span the
// same) and embeds it as embedFolder embeds every clip.
CheckedBox checkAndEmbed(const Archive& archive, const Model& model, const std::string& recording, const Clip& box,
                         ClipId replacing, const std::string& what)
{
    CheckedBox checked;
    checked.modelId = archive.activeModel();
    if (checked.modelId.empty())
        throw UsageError(fileError(what, archive.file(), "the archive has no vectors yet: embed its recordings first"));
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    const Model reading = model.withTimeScale(settings.timeScale);
    if (reading.id() != checked.modelId)
        throw UsageError(fileError(what, archive.file(), "its vectors come from model " + checked.modelId.substr(0, 12)
                                   + "…, not from the model given (" + reading.id().substr(0, 12)
                                   + "…): a clip must be embedded with the model of the others"));
    const std::optional<RecordingRow> rec = archive.recording(recording);
    if (!rec) throw UsageError(fileError(what, archive.file(), "it holds no recording \"" + recording + "\""));
    if (rec->status == "error")
        throw UsageError(fileError(what, archive.file(), "\"" + recording + "\" could not be read when it was last embedded ("
                                   + rec->error + "); embed the archive again once the file is readable"));
    if (const std::string why = boxProblem(box, *rec); !why.empty())
        throw UsageError(fileError(what, archive.file(), "\"" + recording + "\": " + why));
    for (const ClipRow& other : archive.clipsOfRecording(rec->id))
        if (other.id != replacing && sameBox(box, other))
            throw UsageError(fileError(what, archive.file(), "clip " + std::to_string(other.id) + " of \"" + recording
                                       + "\" already spans exactly this"));
    checked.recordingId = rec->id;

    // Read as embedFolder reads every clip: resampled to the model's rate, at the archive's time expansion.
    const MelSpectrogram mel(reading.config().mel);
    AudioReader reader(archive.absolutePath(recording),
                       {.targetRate = mel.params().sampleRate, .timeExpansion = settings.timeExpansion});
    const Spectrogram s = clipLogMel(reader, mel, box.start, std::min(box.end, reader.duration()));
    if (s.frames == 0)
        throw UsageError(fileError(what, archive.file(), "\"" + recording + "\" holds no samples between "
                                   + seconds(box.start) + " and " + seconds(box.end)));
    Embedder embedder(reading, {});
    checked.vector = embedder.embed(s);
    return checked;
}

} // namespace

ClipId addClipByHand(Archive& archive, const Model& model, const ClipByHand& c)
{
    const ArchiveWriterLock writing(archive.file(), "add a clip");
    const Clip clip{c.start, c.end, c.lowHz, c.highHz, true};
    const CheckedBox checked = checkAndEmbed(archive, model, c.recording, clip, 0, "add a clip to");
    const ClipId id = archive.addClip(checked.recordingId, clip, kClipByHandSegmenter, checked.modelId, checked.vector);
    if (!c.label.empty()) archive.setLabel(id, c.label, "user");
    // Compared like every other clip: in the archive's retrieval space (its lists too, if it has them).
    storeRetrievalSpace(archive, checked.modelId);
    return id;
}

CallFit fitClipToCall(const Archive& archive, const std::string& recording, const Clip& box)
{
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    Seconds padding = 0;
    if (!settings.segmenter.empty())
        if (const SegmentSpec spec = SegmentSpec::parse(settings.segmenter); spec.mode == SegmentSpec::Mode::Events)
            padding = spec.events.forTimeExpansion(settings.timeExpansion).padding;
    return fitToCall(archive.absolutePath(recording), box, settings.timeExpansion, padding);
}

ClipId redrawClipByHand(Archive& archive, const Model& model, ClipId id, const Clip& box)
{
    const ArchiveWriterLock writing(archive.file(), "redraw a clip");
    const std::string what = "redraw a clip of";
    const std::optional<ClipRow> old = archive.clip(id);
    if (!old) throw UsageError(fileError(what, archive.file(), "it holds no clip " + std::to_string(id)));
    if (!old->byHand)
        throw UsageError(fileError(what, archive.file(), "clip " + std::to_string(id) + " was cut by the archive's "
                                   "segmentation (or from a selection table), which would cut it there again: draw "
                                   "the stretch as a clip of its own instead"));
    const Clip clip{box.start, box.end, box.lowHz, box.highHz, true};
    if (sameBox(clip, *old)) return id;
    const CheckedBox checked = checkAndEmbed(archive, model, old->path, clip, id, what);
    const ClipId redrawn = archive.replaceClip(id, clip, kClipByHandSegmenter, checked.modelId, checked.vector);
    storeRetrievalSpace(archive, checked.modelId);
    return redrawn;
}

} // namespace crowlingo
