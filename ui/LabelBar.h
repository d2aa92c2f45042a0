#pragma once
// Labelling: a line edit (completing the archive's labels) and buttons that label the selected
// clips — or the current clip when no several are selected — and save at once (source "user").
//
//   auto* bar = new LabelBar(&session);  toolbar->addWidget(bar);
//   bar->applyLabel("chiffchaff");       // what the button and Enter do
//
// Threading: GUI thread only.
#include <QWidget>

class QCompleter;
class QLabel;
class QLineEdit;
class QPushButton;
class QStringListModel;

namespace crowlingo::ui {

class ArchiveSession;

class LabelBar : public QWidget {
    Q_OBJECT
public:
    explicit LabelBar(ArchiveSession* session, QWidget* parent = nullptr);

    QLineEdit* lineEdit() const { return edit_; }

public Q_SLOTS:
    bool applyLabel(const QString& label); // false if nothing is selected or the write failed
    void focusEdit();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateTarget();

    ArchiveSession* session_;
    QLineEdit* edit_;
    QPushButton* apply_;
    QPushButton* clear_;
    QLabel* target_;
    QStringListModel* names_;
    bool justApplied_ = false; // a label was applied and the field not edited since
};

} // namespace crowlingo::ui
