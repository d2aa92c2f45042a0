// A folder of 30+ kinds of bad or odd input next to good recordings (BadInputCorpus.h), embedded
// for real: no crash, no hang, a per-file message that says what is wrong, every good file still
// embedded, and no NaN or infinity ever reaching the model or the archive.
#include "ArchiveTestKit.h"
#include "BadInputCorpus.h"

#include "core/archive/Archive.h"
#include "core/pipeline/FolderEmbedder.h"

#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>

using namespace crowlingo;
using testkit::Expect;
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool mentionsAny(const std::string& text, const std::vector<std::string>& words)
{
    const std::string t = lower(text);
    return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return t.find(lower(w)) != std::string::npos; });
}

} // namespace

class TestBadInputs : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path root() const { return fs::path(tmp.path().toStdString()) / "field"; }
    std::vector<testkit::BadInput> corpus;
    Model model = Model::createRandom(testkit::tinyConfig(), 7);

    // Embeds the corpus; deletes and rewrites the zz-* files once the scan is done.
    EmbedReport embed(Archive& archive, const std::string& segment)
    {
        bool changed = false;
        const Progress progress{[&](double, std::string_view what) {
            if (changed || what.find("to embed") == std::string_view::npos) return;
            changed = true;
            fs::remove(root() / "zz-deleted-after-scan.wav");
            std::ofstream(root() / "zz-rewritten-after-scan.wav") << "overwritten by a sync tool";
        }, {}};
        EmbedFolderOptions o;
        o.segment = SegmentSpec::parse(segment);
        o.batchSize = 8;
        const EmbedReport r = embedFolder(archive, model, o, progress);
        if (!changed) qWarning("the scan's report never came: the files were not changed after the scan");
        return r;
    }

    void restoreChangedFiles()
    {
        const std::vector<float> x = testkit::birdish(22050, 3.0);
        fs::remove(root() / "zz-rewritten-after-scan.wav");
        testkit::writeFrames(root() / "zz-deleted-after-scan.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 1, x);
        testkit::writeFrames(root() / "zz-rewritten-after-scan.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 1, x);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() == 0) testkit::setFileAccessOverride(false); // permissions count, as for any user
        corpus = testkit::writeBadInputCorpus(root());
        QVERIFY(corpus.size() >= 30);
    }

    void everyKindIsHandledAndExplained()
    {
        Archive archive = Archive::create(root().parent_path() / "window.crowlingo", root());
        const EmbedReport report = embed(archive, "window:1");
        std::map<std::string, std::string> errors(report.errors.begin(), report.errors.end());
        std::map<std::string, std::string> notes(report.notes.begin(), report.notes.end());
        const EmbeddingMatrix vectors = archive.embeddings(model.id());
        std::map<std::int64_t, int> clipsOf;
        std::map<ClipId, std::int64_t> recordingOf;
        for (const ClipRow& c : archive.clips()) { ++clipsOf[c.recordingId]; recordingOf[c.id] = c.recordingId; }

        // Every kind is checked, and every mismatch listed, before the test fails.
        int embedded = 0, failed = 0;
        QStringList problems;
        for (const testkit::BadInput& in : corpus) {
            const std::string rel = in.path.generic_string();
            const auto problem = [&](const std::string& s) { problems << QString::fromStdString(in.kind + " (" + rel + "): " + s); };
            const auto row = archive.recording(rel);
            const std::string error = errors.count(rel) ? errors[rel] : "";
            const std::string note = notes.count(rel) ? notes[rel] : "";
            switch (in.expect) {
            case Expect::Embedded:
            case Expect::EmbeddedWithNote:
                if (!row) { problem("not in the archive; error: " + error); break; }
                if (row->status != "embedded") { problem("not embedded: " + row->error); break; }
                if (clipsOf[row->id] == 0) problem("no clips");
                if (in.expect == Expect::EmbeddedWithNote && !mentionsAny(note, in.mentions))
                    problem("the note does not say what is odd: \"" + note + "\"");
                if (in.expect == Expect::Embedded && !note.empty()) problem("unexpected note: " + note);
                if (row->error != note) problem("the archive keeps another note: " + row->error);
                ++embedded;
                break;
            case Expect::Failed:
                if (error.empty()) { problem(row ? "stored as " + row->status + ", no error" : "no error in the report"); break; }
                if (!mentionsAny(error, in.mentions)) problem("the error does not say what is wrong: " + error);
                if (row && (row->status != "error" || clipsOf[row->id] != 0)) problem("stored as " + row->status);
                ++failed;
                break;
            case Expect::NotAFile:
                if (row) problem("listed as a recording");
                for (const auto& [path, why] : report.errors)
                    if (path.rfind(rel + "/", 0) == 0) problem("error inside it: " + path + ": " + why);
                break;
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable("\n" + problems.join("\n")));
        // The messages as a researcher reads them (in the test log, for RELIABILITY.md).
        for (const auto& [path, why] : report.errors) qInfo("error  %s: %s", path.c_str(), why.c_str());
        for (const auto& [path, what] : report.notes) qInfo("note   %s: %s", path.c_str(), what.c_str());
        QVERIFY(embedded >= 20);
        QVERIFY(failed >= 8);
        // Nothing non-finite reached the archive (and so none reached or left the model).
        QVERIFY(vectors.rows() > 50);
        for (float v : vectors.values) QVERIFY(std::isfinite(v));
        QCOMPARE(archive.integrityCheck(), std::string("ok"));
        // Every error and note is one line naming a cause, never an empty or internal text.
        for (const auto& [path, why] : report.errors) QVERIFY2(!why.empty() && why.find('\n') == std::string::npos, path.c_str());
        restoreChangedFiles();
    }

    void cleanupTestCase()
    {
        std::error_code ec;
        fs::permissions(root() / "unreadable.wav", fs::perms::owner_all, ec);
        // QTemporaryDir cannot name a file whose name is not UTF-8: remove it here.
        for (const testkit::BadInput& in : corpus)
            if (in.kind == "non-UTF-8 file name") fs::remove(root() / in.path, ec);
    }

    // Call detection walks the same files through its own path (streaming, band levels).
    void eventsSegmentationSurvivesTheCorpus()
    {
        Archive archive = Archive::create(root().parent_path() / "events.crowlingo", root());
        const EmbedReport report = embed(archive, "events");
        QVERIFY(report.filesEmbedded >= 20);
        const auto good = archive.recording("good.wav");
        QVERIFY(good && good->status == "embedded");
        const EmbeddingMatrix vectors = archive.embeddings(model.id());
        QVERIFY(vectors.rows() > 10);
        for (float v : vectors.values) QVERIFY(std::isfinite(v));
        restoreChangedFiles();
    }
};

QTEST_GUILESS_MAIN(TestBadInputs)
#include "tst_badinputs.moc"
