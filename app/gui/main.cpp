// crowlingo: the workbench GUI.
//   crowlingo [ARCHIVE] [--model DIR] [--select CLIP_ID] [--colour-by cluster|label|recording]
//             [--screenshot FILE.png [--size 1600x1000]]
// --screenshot opens the archive, waits until the map, spectrograms and reconstruction are
// drawn, saves the window as PNG and quits (for documentation and for checking the looks).
#include "ui/ArchiveSession.h"
#include "ui/MainWindow.h"
#include "ui/ModelInUse.h"
#include "ui/MapPanel.h"
#include "ui/MapView.h"
#include "core/archive/RecordingOverview.h"
#include "core/common/NumericsEnvironment.h"

#include <QApplication>
#include <QDialog>
#include <QPainter>
#include <QIcon>
#include <QBuffer>
#include <QImage>
#include <QComboBox>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

using namespace crowlingo::ui;

namespace {
// PNG, at most ~400 KB so that documentation screenshots stay light: noisy spectrograms can make
// a full-colour PNG larger, and then the picture is reduced to 256 colours (no dithering, which
// would only add noise).
bool saveScreenshot(const QImage& image, const QString& file)
{
    constexpr qint64 kMaxBytes = 360 * 1024;
    QBuffer full;
    full.open(QIODevice::WriteOnly);
    image.save(&full, "PNG", 0);
    QImage out = image;
    if (full.size() > kMaxBytes) out = image.convertToFormat(QImage::Format_Indexed8, Qt::AvoidDither | Qt::ColorOnly);
    return out.save(file, "PNG", 0);
}
// The window with its open dialogs drawn where they stand (a window grab alone leaves them out).
QImage windowWithDialogs(QWidget& window)
{
    QImage image = window.grab().toImage();
    QPainter painter(&image);
    for (QWidget* top : QApplication::topLevelWidgets())
        if (top != &window && top->isVisible() && qobject_cast<QDialog*>(top))
            painter.drawPixmap(top->mapToGlobal(QPoint()) - window.mapToGlobal(QPoint()), top->grab());
    return image;
}
} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // before any thread: see NumericsEnvironment.h
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CrowLingo Workbench"));
    QApplication::setOrganizationName(QStringLiteral("CrowLingo"));
    QApplication::setApplicationVersion(QStringLiteral(CROWLINGO_VERSION));
    QApplication::setStyle(QStringLiteral("Fusion")); // the same look on every desktop and in screenshots
    // Matches the installed .desktop file, so docks and Wayland compositors show the right icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.crowlingo.Workbench"));
    QIcon fallbackIcon;
    for (int size : {16, 32, 48, 64, 128, 256}) fallbackIcon.addFile(QStringLiteral(":/icons/crowlingo-%1.png").arg(size));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("org.crowlingo.Workbench"), fallbackIcon));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Explore recordings through a self-supervised audio model."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("archive"), QStringLiteral("Archive to open (*.crowlingo)"), QStringLiteral("[archive]"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)"), QStringLiteral("dir"));
    const QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Clip id to show once the archive is open"), QStringLiteral("id"));
    const QCommandLineOption colourBy(QStringLiteral("colour-by"), QStringLiteral("Map colours: cluster, label, recording or score"), QStringLiteral("mode"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save the window as PNG once idle, then quit"), QStringLiteral("file"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size, e.g. 1600x1000"), QStringLiteral("WxH"));
    const QCommandLineOption findCalls(QStringLiteral("find-calls"), QStringLiteral("Show the Find Calls panel once the archive is open"));
    const QCommandLineOption recordings(QStringLiteral("recordings"),
                                        QStringLiteral("Show the Recordings list once the archive is open: all, without-clips or problems"),
                                        QStringLiteral("filter"));
    const QCommandLineOption spectrogramSettings(QStringLiteral("spectrogram-settings"),
                                                 QStringLiteral("Open View > Spectrogram Settings once the archive is open"));
    parser.addOptions({model, select, colourBy, screenshot, size, findCalls, recordings, spectrogramSettings});
    parser.process(app);

    MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
    }
    if (parser.isSet(colourBy)) {
        const int i = QStringList{QStringLiteral("cluster"), QStringLiteral("label"), QStringLiteral("recording"), QStringLiteral("score")}.indexOf(parser.value(colourBy));
        if (i >= 0) window.mapPanel()->colourByBox()->setCurrentIndex(i);
    }
    window.show();
    window.models()->load(parser.value(model));

    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) {
        if (parser.isSet(select)) {
            const qint64 id = parser.value(select).toLongLong();
            QObject::connect(window.session(), &ArchiveSession::archiveOpened, &window, [&window, id] {
                window.session()->setSelection({});
                window.session()->setCurrentClipId(id);
            });
        }
        if (parser.isSet(findCalls))
            QObject::connect(window.session(), &ArchiveSession::archiveOpened, &window, [&window] { window.showFindCalls(); });
        if (parser.isSet(spectrogramSettings))
            QObject::connect(window.session(), &ArchiveSession::archiveOpened, &window,
                             [&window] { window.spectrogramSettingsDialog(); });
        if (parser.isSet(recordings)) {
            const std::optional<crowlingo::RecordingFilter> filter = crowlingo::parseRecordingFilter(parser.value(recordings).toStdString());
            if (!filter) {
                std::fprintf(stderr, "error: --recordings takes all, without-clips or problems\n");
                return 2;
            }
            QObject::connect(window.session(), &ArchiveSession::archiveOpened, &window,
                             [&window, f = *filter] { window.showRecordingsList(f); });
        }
        window.openArchive(args.first());
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        // Give the archive time to start loading before waiting for idleness.
        QTimer::singleShot(500, &window, [&window, file] {
            window.whenIdle([&window, file] {
                const bool ok = saveScreenshot(windowWithDialogs(window), file);
                std::fprintf(stderr, ok ? "wrote %s\n" : "cannot write %s\n", qPrintable(file));
                QApplication::exit(ok ? 0 : 1);
            });
        });
    }
    return QApplication::exec();
}
