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

// Why the span cannot be a clip of `rec`, or "".
std::string spanProblem(const ClipByHand& c, const RecordingRow& rec)
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

} // namespace

ClipId addClipByHand(Archive& archive, const Model& model, const ClipByHand& c)
{
    const ArchiveWriterLock writing(archive.file(), "add a clip");
    const std::string what = "add a clip to";
    const std::string modelId = archive.activeModel();
    if (modelId.empty())
        throw UsageError(fileError(what, archive.file(), "the archive has no vectors yet: embed its recordings first"));
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    const Model reading = model.withTimeScale(settings.timeScale);
    if (reading.id() != modelId)
        throw UsageError(fileError(what, archive.file(), "its vectors come from model " + modelId.substr(0, 12)
                                   + "…, not from the model given (" + reading.id().substr(0, 12)
                                   + "…): a clip must be embedded with the model of the others"));
    const std::optional<RecordingRow> rec = archive.recording(c.recording);
    if (!rec) throw UsageError(fileError(what, archive.file(), "it holds no recording \"" + c.recording + "\""));
    if (rec->status == "error")
        throw UsageError(fileError(what, archive.file(), "\"" + c.recording + "\" could not be read when it was last embedded ("
                                   + rec->error + "); embed the archive again once the file is readable"));
    if (const std::string why = spanProblem(c, *rec); !why.empty())
        throw UsageError(fileError(what, archive.file(), "\"" + c.recording + "\": " + why));
    const Clip clip{c.start, c.end, c.lowHz, c.highHz, true};
    for (const ClipRow& other : archive.clipsOfRecording(rec->id))
        if (other.start == clip.start && other.end == clip.end
            && other.lowHz == clip.lowHz && other.highHz == clip.highHz)
            throw UsageError(fileError(what, archive.file(), "clip " + std::to_string(other.id) + " of \"" + c.recording
                                       + "\" already spans exactly this"));

    // Read as embedFolder reads every clip: resampled to the model's rate, at the archive's time expansion.
    const MelSpectrogram mel(reading.config().mel);
    AudioReader reader(archive.absolutePath(c.recording),
                       {.targetRate = mel.params().sampleRate, .timeExpansion = settings.timeExpansion});
    const Spectrogram s = clipLogMel(reader, mel, clip.start, std::min(clip.end, reader.duration()));
    if (s.frames == 0)
        throw UsageError(fileError(what, archive.file(), "\"" + c.recording + "\" holds no samples between "
                                   + seconds(c.start) + " and " + seconds(c.end)));
    Embedder embedder(reading, {});
    const std::vector<float> vector = embedder.embed(s);

    const ClipId id = archive.addClip(rec->id, clip, kClipByHandSegmenter, modelId, vector);
    if (!c.label.empty()) archive.setLabel(id, c.label, "user");
    // Compared like every other clip: in the archive's retrieval space (its lists too, if it has them).
    storeRetrievalSpace(archive, modelId);
    return id;
}

} // namespace crowlingo
