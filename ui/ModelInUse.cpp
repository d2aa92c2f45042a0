#include "ui/ModelInUse.h"

#include "ui/Result.h"

#include "core/common/Error.h"
#include "core/model/DefaultModel.h"

namespace crowlingo::ui {

namespace {
// The model reading at another time scale, or nothing when the scale does not fit its hop.
std::optional<Model> atTimeScale(const std::optional<Model>& model, int scale)
{
    if (!model) return std::nullopt;
    try {
        return model->withTimeScale(scale);
    } catch (const UsageError&) {
        return std::nullopt;
    }
}
} // namespace

ModelInUse::ModelInUse(QObject* parent) : QObject(parent) {}

void ModelInUse::load(const QString& dir, int timeScale)
{
    dir_ = dir;
    fromArchive_ = false;
    Q_EMIT loadStarted();
    const std::filesystem::path path = dir.toStdString();
    job_.run(
        [path, timeScale] {
            return runCatching([&] { return Model::load(path.empty() ? defaultModelDir() : path).withTimeScale(timeScale); });
        },
        [this](const Result<Model>& r) {
            if (r.ok()) install(*r.value);
            else Q_EMIT loadFailed(r.error);
        });
}

void ModelInUse::loadArchiveOwn(const QString& dir, int timeScale)
{
    load(dir, timeScale);
    fromArchive_ = true;
}

void ModelInUse::set(const Model& model)
{
    job_.drop();
    fromArchive_ = false;
    install(model);
}

void ModelInUse::follow(const std::string& modelId, const std::filesystem::path& modelDir, int timeScale)
{
    if (modelId.empty() || (model_ && model_->id() == modelId)) return;
    if (!modelDir.empty()) {
        loadArchiveOwn(QString::fromStdString(modelDir.string()), timeScale);
    } else if (const auto scaled = atTimeScale(model_, timeScale); scaled && scaled->id() == modelId) {
        job_.drop();
        install(*scaled);
    } else if (const auto base = atTimeScale(base_, timeScale); fromArchive_ && base) {
        set(*base); // another archive's model (an adapted one) must not read this archive
    } else if (timeScale != 1) {
        load(dir_, timeScale);
    }
}

QString ModelInUse::id() const { return model_ ? QString::fromStdString(model_->id()) : QString(); }

void ModelInUse::install(const Model& model)
{
    if (!base_ && !fromArchive_) base_ = model;
    model_ = model;
    Q_EMIT changed(model);
}

} // namespace crowlingo::ui
