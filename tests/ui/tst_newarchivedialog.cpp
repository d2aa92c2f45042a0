// Updating an archive keeps the segmentation and time expansion it was made with.
#include "ui/NewArchiveDialog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QtTest>

using namespace crowlingo;
using namespace crowlingo::ui;

class TestNewArchiveDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void updatingAnArchiveKeepsItsSegmentation()
    {
        NewArchiveDialog dialog;
        dialog.setFolder(QDir::tempPath());
        dialog.setExistingArchive(QDir::temp().filePath("x.crowlingo"), 10.0, "window:1:0.5");
        const EmbedFolderOptions o = dialog.options();
        QCOMPARE(QString::fromStdString(o.segment.toString()), QString("window:1:0.5"));
        QCOMPARE(o.timeExpansion, 10.0);
        for (auto* combo : dialog.findChildren<QComboBox*>())
            if (combo->currentText() == "window:1:0.5") QVERIFY(!combo->isEnabled());
    }

    void aNeverEmbeddedArchiveLeavesTheChoiceOpen()
    {
        NewArchiveDialog dialog;
        dialog.setExistingArchive(QDir::temp().filePath("y.crowlingo"), 1.0, QString());
        bool anyEnabled = false;
        for (auto* combo : dialog.findChildren<QComboBox*>()) anyEnabled |= combo->isEnabled();
        QVERIFY(anyEnabled);
    }
};

QTEST_MAIN(TestNewArchiveDialog)
#include "tst_newarchivedialog.moc"
