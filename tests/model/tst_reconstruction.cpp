// reconstruct(): hidden patches are exactly round(r*N), NaN in the masked input exactly there,
// the reconstruction equals the input at visible cells, error maps are per patch, the MSE figures
// agree with their definitions recomputed here, seeds are reproducible, bad input rejected.
// (That a trained model beats the trivial predictor is checked in tst_trainer.)
#include "model/ModelTestData.h"

#include "core/common/Error.h"
#include "core/model/Model.h"
#include "core/model/PatchMasking.h"
#include "core/model/Reconstruction.h"
#include "core/model/SafeTensors.h"

#include <QTemporaryDir>

#include <QTest>

#include <cmath>

using namespace crowlingo;
using namespace crowlingo::modeltest;

class TestReconstruction : public QObject {
    Q_OBJECT

    Model model_ = Model::createRandom(tinyConfig(), 4);

private Q_SLOTS:
    void structure_data()
    {
        QTest::addColumn<int>("frames");
        QTest::addColumn<double>("ratio");
        QTest::newRow("full window r=0.75") << 32 << 0.75;
        QTest::newRow("full window r=0.3") << 32 << 0.3;
        QTest::newRow("full window r=0.8") << 32 << 0.8;
        QTest::newRow("short window r=0.5") << 21 << 0.5;
    }

    void structure()
    {
        QFETCH(int, frames);
        QFETCH(double, ratio);
        const Spectrogram in = individualCall(1, frames, 32, 5);
        const Reconstruction r = reconstruct(model_, in, ratio, 17);
        const int p = 8;
        QCOMPARE(r.patchRows, 4);
        QCOMPARE(r.patchCols, 4);
        QCOMPARE(int(r.patchMasked.size()), 16);
        // round(ratio * V) of the V patches inside the window hidden, and all padding patches.
        const int signalPatches = 4 * ((frames + p - 1) / p);
        int hiddenSignal = 0;
        for (int k = 0; k < 16; ++k)
            if ((k % 4) * p < frames && r.patchMasked[std::size_t(k)])
                ++hiddenSignal;
        QCOMPARE(hiddenSignal, int(std::lround(ratio * signalPatches)));
        QCOMPARE(int(std::count(r.patchMasked.begin(), r.patchMasked.end(), true)), hiddenSignal + 16 - signalPatches);
        for (const Spectrogram* s : {&r.original, &r.maskedInput, &r.reconstruction, &r.patchError}) {
            QCOMPARE(s->frames, frames);
            QCOMPARE(s->bins, 32);
            QVERIFY(s->binCentres == in.binCentres);
        }
        QVERIFY(r.original.values == in.values);

        // Recompute both MSE figures from their definitions.
        std::vector<double> binSum(32, 0.0);
        std::vector<int> binCount(32, 0);
        for (int t = 0; t < frames; ++t)
            for (int b = 0; b < 32; ++b)
                if (!r.patchMasked[std::size_t((b / p) * 4 + t / p)]) {
                    binSum[std::size_t(b)] += in.at(t, b);
                    ++binCount[std::size_t(b)];
                }
        double visSum = 0;
        int visCount = 0;
        for (int b = 0; b < 32; ++b) {
            visSum += binSum[std::size_t(b)];
            visCount += binCount[std::size_t(b)];
        }
        double masked = 0, trivial = 0;
        int cells = 0;
        for (int t = 0; t < frames; ++t) {
            for (int b = 0; b < 32; ++b) {
                const bool hidden = r.patchMasked[std::size_t((b / p) * 4 + t / p)];
                const float x = in.at(t, b);
                if (hidden) {
                    QVERIFY(std::isnan(r.maskedInput.at(t, b)));
                    QVERIFY(std::isfinite(r.reconstruction.at(t, b)));
                    masked += std::pow(r.reconstruction.at(t, b) - x, 2);
                    const double guess = binCount[std::size_t(b)] ? binSum[std::size_t(b)] / binCount[std::size_t(b)]
                                                                  : visSum / visCount;
                    trivial += (guess - x) * (guess - x);
                    ++cells;
                } else {
                    QCOMPARE(r.maskedInput.at(t, b), x);
                    QCOMPARE(r.reconstruction.at(t, b), x);
                }
                // One error value per patch.
                const int t0 = (t / p) * p, b0 = (b / p) * p;
                QCOMPARE(r.patchError.at(t, b), r.patchError.at(t0, b0));
                QVERIFY(r.patchError.at(t, b) >= 0);
            }
        }
        QVERIFY(cells > 0);
        QVERIFY(std::abs(r.maskedMse - masked / cells) <= 1e-6 * (1 + r.maskedMse));
        QVERIFY(std::abs(r.trivialMse - trivial / cells) <= 1e-6 * (1 + r.trivialMse));
        // For hidden patches the per-patch error is the reconstruction's error there.
        for (int k = 0; k < 16; ++k) {
            if (!r.patchMasked[std::size_t(k)] || (k % 4) * p >= frames)
                continue;
            double e = 0;
            int n = 0;
            for (int t = (k % 4) * p; t < std::min(frames, (k % 4 + 1) * p); ++t)
                for (int b = (k / 4) * p; b < (k / 4 + 1) * p; ++b, ++n)
                    e += std::pow(r.reconstruction.at(t, b) - in.at(t, b), 2);
            QVERIFY(std::abs(r.patchError.at((k % 4) * p, (k / 4) * p) - e / n) <= 1e-3 * (1 + e / n));
        }
    }

    void shortCallIsNeverAllHidden()
    {
        // A call of one patch column (a 50-ms syllable at the trained hop): 4 signal patches. Drawn
        // over the whole window, 80 % masking would often hide all four and leave nothing to compare.
        const Spectrogram in = individualCall(3, 6, 32, 11);
        for (std::uint64_t seed = 1; seed <= 40; ++seed) {
            const Reconstruction r = reconstruct(model_, in, 0.8, seed);
            int hidden = 0;
            for (int row = 0; row < 4; ++row)
                hidden += r.patchMasked[std::size_t(row * 4)] ? 1 : 0;
            QVERIFY2(hidden == 3, qPrintable(QString("seed %1: %2 of 4 hidden").arg(seed).arg(hidden)));
            QVERIFY(std::isfinite(r.trivialMse) && std::isfinite(r.maskedMse));
            for (int col = 1; col < 4; ++col) // padding: nothing of it is shown or scored
                QVERIFY(r.patchMasked[std::size_t(col)]);
        }
    }

    void visiblePatchesFollowTheFramesTheyHold()
    {
        // A call of 10 frames with patches 8 wide: one full patch column and one holding 2 frames
        // (a bat call at the finest time scale looks like this). 0.75 of the 8 signal patches hidden
        // leaves 2 visible. Drawn uniformly, both would be in the sliver in 6 of 28 draws, and the
        // masked input would show 2 frames of the call; drawn by the frames each holds, the full
        // column is where the call is shown.
        const Spectrogram in = individualCall(3, 10, 32, 11);
        int visibleInFull = 0, visibleInSliver = 0, onlySliver = 0;
        for (std::uint64_t seed = 1; seed <= 60; ++seed) {
            const Reconstruction r = reconstruct(model_, in, 0.75, seed);
            int full = 0, sliver = 0;
            for (int row = 0; row < 4; ++row) {
                full += r.patchMasked[std::size_t(row * 4)] ? 0 : 1;
                sliver += r.patchMasked[std::size_t(row * 4 + 1)] ? 0 : 1;
            }
            QCOMPARE(full + sliver, 2);
            visibleInFull += full;
            visibleInSliver += sliver;
            onlySliver += full == 0 ? 1 : 0;
        }
        // Weights 1 and 1/4: expected 78 % of the visible patches in the full column (uniform: 50 %),
        // and 3 % of the masks showing only the sliver (uniform: 21 %, 13 of 60).
        QVERIFY2(visibleInFull >= 2 * visibleInSliver, qPrintable(QString("%1 vs %2").arg(visibleInFull).arg(visibleInSliver)));
        QVERIFY2(onlySliver <= 6, qPrintable(QString("%1 of 60 masks showed only the sliver").arg(onlySliver)));
    }

    void seeded()
    {
        const Spectrogram in = individualCall(2, 32, 32, 6);
        const Reconstruction a = reconstruct(model_, in, 0.75, 1);
        const Reconstruction b = reconstruct(model_, in, 0.75, 1);
        const Reconstruction c = reconstruct(model_, in, 0.75, 2);
        QVERIFY(a.patchMasked == b.patchMasked);
        QVERIFY(a.reconstruction.values == b.reconstruction.values);
        QVERIFY(a.patchMasked != c.patchMasked);
        // The same mask as training's masking for that seed (one sample).
        QVERIFY(a.patchMasked == PatchMasking::random(1, 16, 0.75, 1)[0]);
    }

    void levelShiftShiftsReconstruction()
    {
        // Level centring: the same window 30 dB quieter is the same picture, so the prediction is the
        // same shifted by 30 dB and the error figures do not change.
        QVERIFY(model_.config().centreLevel);
        const Spectrogram in = individualCall(0, 32, 32, 9);
        Spectrogram quiet = in;
        for (float& v : quiet.values)
            v -= 30.0f;
        const Reconstruction a = reconstruct(model_, in, 0.75, 3);
        const Reconstruction b = reconstruct(model_, quiet, 0.75, 3);
        QVERIFY(a.patchMasked == b.patchMasked);
        double worst = 0;
        for (std::size_t i = 0; i < a.reconstruction.values.size(); ++i)
            worst = std::max(worst, double(std::abs(a.reconstruction.values[i] - 30.0f - b.reconstruction.values[i])));
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
        QVERIFY(std::abs(a.maskedMse - b.maskedMse) <= 1e-4 * (1 + a.maskedMse));

        // Control: a model without centring gives a different picture at another level.
        ModelConfig fixed = tinyConfig();
        fixed.centreLevel = false;
        const Model plain = Model::createRandom(fixed, 4);
        const Reconstruction c = reconstruct(plain, in, 0.75, 3);
        const Reconstruction d = reconstruct(plain, quiet, 0.75, 3);
        double shiftError = 0;
        for (std::size_t i = 0; i < c.reconstruction.values.size(); ++i)
            shiftError = std::max(shiftError, double(std::abs(c.reconstruction.values[i] - 30.0f - d.reconstruction.values[i])));
        QVERIFY(shiftError > 0.1);
    }

    void hiddenCellsDoNotReachThePrediction()
    {
        // What the model predicts for hidden patches may depend on the visible cells only (else its
        // comparison with the trivial predictor, which sees only those, is unfair). Change every
        // hidden cell by a lot: with the same mask, the prediction must not move.
        const Spectrogram in = individualCall(3, 32, 32, 10);
        const Reconstruction a = reconstruct(model_, in, 0.75, 5);
        Spectrogram changed = in;
        for (int t = 0; t < 32; ++t)
            for (int b = 0; b < 32; ++b)
                if (a.patchMasked[std::size_t((b / 8) * 4 + t / 8)])
                    changed.at(t, b) += 25.0f + float((t * 7 + b * 3) % 11);
        const Reconstruction b = reconstruct(model_, changed, 0.75, 5);
        QVERIFY(a.patchMasked == b.patchMasked);
        double worst = 0;
        for (std::size_t i = 0; i < a.reconstruction.values.size(); ++i)
            if (std::isnan(a.maskedInput.values[i]))
                worst = std::max(worst, double(std::abs(a.reconstruction.values[i] - b.reconstruction.values[i])));
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
    }

    void decoderPredictsTheCorrectionToTheTrivialPredictor()
    {
        // With residualTarget the decoder's output is added to each mel bin's visible mean: a
        // decoder that outputs nothing reproduces the trivial predictor exactly. Zero its last layer.
        QVERIFY(model_.config().residualTarget);
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        model_.save(d);
        SafeTensors st = SafeTensors::read(d / "model.safetensors");
        QVERIFY(st.tensors.contains("decoder.pred.weight") && st.tensors.contains("decoder.pred.bias"));
        for (const char* name : {"decoder.pred.weight", "decoder.pred.bias"})
            std::fill(st.tensors[name].values.begin(), st.tensors[name].values.end(), 0.0f);
        st.write(d / "model.safetensors");
        const Model silent = Model::load(d);
        for (int frames : {32, 19}) {
            const Reconstruction r = reconstruct(silent, individualCall(1, frames, 32, 12), 0.75, 8);
            QVERIFY(std::isfinite(r.trivialMse) && r.trivialMse > 1);
            // Equal up to the partly filled last column, whose padding cells count in the model's means.
            const double tolerance = frames == 32 ? 1e-3 * r.trivialMse : 0.15 * r.trivialMse;
            QVERIFY2(std::abs(r.maskedMse - r.trivialMse) <= tolerance,
                     qPrintable(QString("%1 frames: %2 vs trivial %3").arg(frames).arg(r.maskedMse).arg(r.trivialMse)));
        }
        // Control: the untouched model does not coincide with the trivial predictor.
        const Reconstruction r = reconstruct(model_, individualCall(1, 32, 32, 12), 0.75, 8);
        QVERIFY(std::abs(r.maskedMse - r.trivialMse) > 1e-3 * r.trivialMse);
    }

    void badInputRejected()
    {
        auto rejects = [&](const Spectrogram& s, double ratio) {
            try {
                reconstruct(model_, s, ratio, 1);
            } catch (const UsageError&) {
                return true;
            }
            return false;
        };
        QVERIFY(rejects(randomClip(33, 32, 1), 0.75)); // longer than the window
        QVERIFY(rejects(randomClip(32, 31, 1), 0.75)); // wrong bins
        QVERIFY(rejects(randomClip(32, 32, 1), 0.9));  // ratio out of range
        QVERIFY(rejects(randomClip(32, 32, 1), 0.1));
    }
};

QTEST_GUILESS_MAIN(TestReconstruction)
#include "tst_reconstruction.moc"
