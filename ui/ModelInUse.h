#pragma once
// The model the window uses for reconstructions, queries and new archives, and where it came
// from. load() reads a folder on a worker; only the latest request counts, so a load that
// finishes after another load() or set() was asked for is dropped. The first model installed
// that is no archive's own is the base model: when the model in use is another archive's (one it
// remembers, or one adapted to it), an archive that remembers none goes back to the base.
//
//   ModelInUse models;
//   connect(&models, &ModelInUse::changed, panel, &ReconstructionPanel::setModel);
//   models.load();                                            // the default model
//   models.follow(d.modelId, d.modelDir, d.timeScale);       // when an archive opens
//
// Threading: GUI thread only; loads run on Qt's thread pool.
#include "core/model/Model.h"

#include "ui/LatestJob.h"

#include <QObject>
#include <QString>

#include <filesystem>
#include <optional>
#include <string>

namespace crowlingo::ui {

class ModelInUse : public QObject {
    Q_OBJECT
public:
    explicit ModelInUse(QObject* parent = nullptr);

    // Reads the model in `dir` (empty: the default model) at `timeScale`, an archive's analysis
    // time scale. loadArchiveOwn() is the same for the model an archive remembers or was adapted to.
    void load(const QString& dir = {}, int timeScale = 1);
    void loadArchiveOwn(const QString& dir, int timeScale);
    void set(const Model& model); // installs one at once (tests use a random one)

    // The model that reads an archive whose vectors come from `modelId`: the one it remembers
    // (`modelDir`), the model in use at its time scale when that is the same model, else the base
    // model or the folder last loaded, at its time scale. Does nothing when the model in use fits.
    void follow(const std::string& modelId, const std::filesystem::path& modelDir, int timeScale);

    const std::optional<Model>& model() const { return model_; }
    QString id() const; // "" while none is installed
    QString dir() const { return dir_; } // the folder of the latest load() ("" for the default)
    bool isLoading() const { return job_.running() > 0; }

Q_SIGNALS:
    void loadStarted();
    void changed(const Model& model);
    void loadFailed(const QString& error);

private:
    void install(const Model& model);

    LatestJob job_{this};
    std::optional<Model> model_;
    std::optional<Model> base_;
    QString dir_;
    bool fromArchive_ = false; // the latest request was an archive's own model
};

} // namespace crowlingo::ui
