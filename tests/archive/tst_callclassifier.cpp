// Classifiers in the archive: which labels teach what, training on stored embeddings, surviving
// closing and reopening (and an archive made before classifiers existed), scores for every clip,
// and the CSV and Raven outputs.
#include "archive/ArchiveTestKit.h"
#include "core/archive/Archive.h"
#include "core/archive/CallClassifier.h"
#include "core/archive/ClassifierExport.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestCallClassifier : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    std::vector<bool> isCaw_; // by clip, in id order

    static auto readTable(const fs::path& f, char delim) { return testkit::readTable(f, delim); }

    // Two recordings of 40 one-second clips; a clip is a caw (vectors near one direction) or
    // something else (near another), interleaved at random, plus noise in 24 dimensions.
    fs::path makeArchive(const std::string& name)
    {
        fs::create_directories(dir() / "rec");
        const fs::path file = dir() / name;
        Archive a = Archive::create(file, dir() / "rec");
        std::mt19937 rng(17);
        std::normal_distribution<float> noise(0.f, 0.2f);
        isCaw_.clear();
        for (const char* path : {"dawn.flac", "dusk.flac"}) {
            std::vector<Clip> clips;
            std::vector<std::vector<float>> vectors;
            for (int i = 0; i < 40; ++i) {
                const bool caw = (rng() % 3) == 0;
                isCaw_.push_back(caw);
                clips.push_back({double(i), double(i) + 0.8, 400, 2000});
                std::vector<float> v(24);
                for (float& x : v) x = noise(rng);
                v[caw ? 0 : 1] += 1.f;
                vectors.push_back(v);
            }
            RecordingRow r;
            r.path = path;
            a.storeRecording(r, clips, "window", "m1", vectors);
        }
        a.setActiveModel("m1");
        return file;
    }

    // Labels 10 caws "caw" and 10 others "negative"; returns the labelled clip ids.
    std::vector<ClipId> labelTen(Archive& a)
    {
        std::vector<ClipId> labelled;
        int caws = 0, others = 0;
        const std::vector<ClipRow> clips = a.clips();
        for (std::size_t i = 0; i < clips.size(); ++i) {
            if (isCaw_[i] && caws < 10) { a.setLabel(clips[i].id, "caw"); ++caws; labelled.push_back(clips[i].id); }
            if (!isCaw_[i] && others < 10) { a.setLabel(clips[i].id, "negative"); ++others; labelled.push_back(clips[i].id); }
        }
        return labelled;
    }

private Q_SLOTS:
    void labelsTeachWhatTheRulesSay()
    {
        const std::vector<LabelRow> labels{
            {1, "caw", "user"},      {2, "song", "user"},     {3, "negative", "user"}, {4, "not:caw", "user"},
            {5, "caw", "user"},      {5, "negative", "a.csv"}, {6, "not:song", "user"}, {7, "song", "a.csv"}};
        const ClassifierExamples ex = classifierExamples(labels, {});
        QCOMPARE(ex.targets.classes, (std::vector<std::string>{"caw", "song"}));
        QCOMPARE(ex.clipIds, (std::vector<ClipId>{1, 2, 3, 4, 6, 7}));
        const std::vector<std::vector<int>> expected{{1, -1}, {-1, 1}, {-1, -1}, {-1, 0}, {0, -1}, {-1, 1}};
        for (std::size_t i = 0; i < expected.size(); ++i)
            for (std::size_t c = 0; c < 2; ++c)
                QVERIFY2(ex.targets.at(i, c) == expected[i][c], qPrintable(QStringLiteral("clip %1 class %2").arg(ex.clipIds[i]).arg(c)));
        QCOMPARE(ex.leftOut.size(), std::size_t(1));
        QCOMPARE(ex.leftOut[0].first, ClipId(5));

        const ClassifierExamples fromFile = classifierExamples(labels, {.source = "a.csv"});
        QCOMPARE(fromFile.targets.classes, std::vector<std::string>{"song"});
        QCOMPARE(fromFile.clipIds, (std::vector<ClipId>{5, 7}));

        QVERIFY_THROWS_EXCEPTION(UsageError, classifierExamples({{1, "negative", "user"}}, {}));
        QVERIFY_THROWS_EXCEPTION(UsageError, classifierExamples(labels, {.classes = {"negative"}}));
    }

    void tenExamplesFindTheCawsAndSurviveReopening()
    {
        const fs::path file = makeArchive("a.crowlingo");
        CallClassifier trained;
        {
            Archive a = Archive::open(file);
            labelTen(a);
            trained = trainCallClassifier(a, {.name = "caws"});
            QCOMPARE(trained.exampleClipIds.size(), std::size_t(20));
            QCOMPARE(trained.validation.classes.size(), std::size_t(1));
            QCOMPARE(trained.validation.classes[0].positives, 10);
            QCOMPARE(trained.validation.classes[0].negatives, 10);
            QVERIFY(trained.validation.folds >= 2);
            QVERIFY2(trained.validation.classes[0].averagePrecision > 0.9, qPrintable(QString::number(trained.validation.classes[0].averagePrecision)));
        }
        const Archive a = Archive::open(file);
        QCOMPARE(a.classifiers().size(), std::size_t(1));
        const CallClassifier loaded = loadCallClassifier(a, "caws");
        QCOMPARE(loaded.stored.modelId, std::string("m1"));
        // Provenance: the labels used, the fit and the embedding it reads.
        const QJsonObject report = QJsonDocument::fromJson(QByteArray::fromStdString(loaded.stored.reportJson)).object();
        QCOMPARE(report["labels"].toObject()["examples"].toInt(), 20);
        QCOMPARE(report["embedding"].toObject()["model_id"].toString(), QStringLiteral("m1"));
        QVERIFY(report["fit"].toObject()["l2"].toDouble() > 0);
        QCOMPARE(report["cross_validation"].toObject()["folds"].toInt(), trained.validation.folds);
        QCOMPARE(loaded.model.weights, trained.model.weights);
        QCOMPARE(loaded.model.bias, trained.model.bias);
        QCOMPARE(loaded.exampleClipIds, trained.exampleClipIds);
        QCOMPARE(loaded.validation.classes[0].scores, trained.validation.classes[0].scores);
        QCOMPARE(loaded.validation.classes[0].averagePrecision, trained.validation.classes[0].averagePrecision);

        // Every clip scored; at 0.5, >= 90 % of the caws found at >= 90 % precision.
        const ClipScores s = scoreClips(a, loaded);
        QCOMPARE(s.clipIds.size(), isCaw_.size());
        int tp = 0, fp = 0, caws = 0;
        for (std::size_t i = 0; i < s.clipIds.size(); ++i) {
            caws += isCaw_[i];
            if (s.at(i, 0) >= 0.5f) (isCaw_[i] ? tp : fp)++;
        }
        QVERIFY2(tp >= 0.9 * caws && tp >= 0.9 * (tp + fp), qPrintable(QStringLiteral("%1 of %2 caws, %3 false").arg(tp).arg(caws).arg(fp)));

        try {
            loadCallClassifier(a, "owls");
            QFAIL("loaded a classifier that does not exist");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("owls") && QString(e.what()).contains("caws"), e.what());
        }
    }

    void retrainingReplacesAndReviewAnswersCount()
    {
        const fs::path file = makeArchive("b.crowlingo");
        Archive a = Archive::open(file);
        labelTen(a);
        trainCallClassifier(a, {.name = "caws"});
        // Rejecting a clip in review ("not:caw") makes it a counter-example of that class.
        const std::vector<ClipRow> clips = a.clips();
        ClipId rejected = 0;
        for (std::size_t i = clips.size(); i-- > 0;)
            if (!isCaw_[i]) { rejected = clips[i].id; break; }
        a.setLabel(rejected, notLabel("caw"), "review");
        const CallClassifier again = trainCallClassifier(a, {.name = "caws"});
        QCOMPARE(a.classifiers().size(), std::size_t(1));
        QCOMPARE(again.validation.classes[0].negatives, 11);
        QVERIFY(std::find(again.exampleClipIds.begin(), again.exampleClipIds.end(), rejected) != again.exampleClipIds.end());
        QVERIFY(a.removeClassifier("caws"));
        QVERIFY(!a.removeClassifier("caws"));
        QVERIFY(a.classifiers().empty());

        // Without counter-examples, training says what to add and stores nothing.
        Archive b = Archive::open(makeArchive("c.crowlingo"));
        b.setLabel(b.clips()[0].id, "caw");
        try {
            trainCallClassifier(b, {.name = "x"});
            QFAIL("trained without counter-examples");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("negative"), e.what());
        }
        QVERIFY(b.classifiers().empty());
    }

    void csvAndRavenOutputs()
    {
        const fs::path file = makeArchive("d.crowlingo");
        Archive a = Archive::open(file);
        labelTen(a);
        const CallClassifier c = trainCallClassifier(a, {.name = "caws"});
        const ClipScores s = scoreClips(a, c);
        writeClassifierCsv(dir() / "caws.csv", a, c, s, 0.7f);
        const auto rows = readTable(dir() / "caws.csv", ',');
        QCOMPARE(rows.size(), isCaw_.size() + 1);
        QCOMPARE(rows[0], (std::vector<std::string>{"clip_id", "path", "start_s", "end_s", "predicted", "score", "score_caw"}));
        int detections = 0;
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const double score = std::stod(rows[i][5]);
            QCOMPARE(rows[i][4], std::string(score >= 0.7 ? "caw" : ""));
            QVERIFY(std::abs(score - s.at(i - 1, 0)) < 1e-4);
            detections += score >= 0.7;
        }
        QFile sidecar(QString::fromStdString((dir() / "caws.csv.json").string()));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(sidecar.readAll()).object();
        QCOMPARE(j["classifier"].toString(), QStringLiteral("caws"));
        QCOMPARE(j["model_id"].toString(), QStringLiteral("m1"));
        QCOMPARE(j["detections"].toInt(), detections);
        QCOMPARE(j["quality"].toArray()[0].toObject()["positives"].toInt(), 10);

        const auto tables = writeClassifierRavenTables(dir() / "raven", a, s, 0.7f);
        QCOMPARE(tables.size(), std::size_t(2));
        int selections = 0;
        for (const fs::path& t : tables) {
            const auto table = readTable(t, '\t');
            QCOMPARE(table[0].back(), std::string("Score"));
            QCOMPARE(table[0][7], std::string("Class"));
            for (std::size_t i = 1; i < table.size(); ++i) QVERIFY(std::stod(table[i][8]) >= 0.7);
            selections += int(table.size()) - 1;
        }
        QCOMPARE(selections, detections);
        QVERIFY_THROWS_EXCEPTION(UsageError, writeClassifierCsv(dir() / "bad.csv", a, c, s, 1.5f));
        QVERIFY(!fs::exists(dir() / "bad.csv"));

        // A classifier whose model's vectors are gone says to retrain.
        a.removeEmbeddings("m1");
        try {
            scoreClips(a, c);
            QFAIL("scored without vectors");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("train it again"), e.what());
        }
    }

    void archiveFromBeforeClassifiersIsUpdated()
    {
        const fs::path file = makeArchive("old.crowlingo");
        {
            SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
            db.exec("DROP TABLE classifiers; DROP TABLE retrieval_spaces; DROP TRIGGER clip_leaves_neighbour_lists; "
                    "DROP TABLE neighbour_list_members; DROP TABLE neighbour_lists; DROP TABLE label_journal; "
                    "PRAGMA user_version = 2");
        }
        QVERIFY_THROWS_EXCEPTION(ArchiveError, Archive::openReadOnly(file).classifiers());
        Archive a = Archive::open(file);
        QCOMPARE(a.schemaVersion(), Archive::kSchemaVersion);
        QCOMPARE(a.clipCount(), std::int64_t(80));
        labelTen(a);
        trainCallClassifier(a, {.name = "caws"});
        QCOMPARE(a.classifiers().size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestCallClassifier)
#include "tst_callclassifier.moc"
