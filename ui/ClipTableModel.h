#pragma once
// Every clip of the open archive as a table: file, start, duration, cluster, label and cosine
// similarity to the current clip. Display text is formatted; SortRole gives the raw value
// (numbers sort as numbers, clips without a value last).
//
//   ClipTableModel model(&session);  ClipFilterProxy proxy;  proxy.setSourceModel(&model);
//   int clip = model.data(model.index(row, 0), ClipTableModel::ClipIndexRole).toInt();
//
// Threading: GUI thread only (follows ArchiveSession's signals).
#include <QAbstractTableModel>

#include <string>

namespace crowlingo::ui {

class ArchiveSession;

class ClipTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // Low and High: the clip's band, as Raven's Low and High Freq columns (empty: the whole band).
    enum Column { File, Start, Duration, LowHz, HighHz, Cluster, Label, Similarity, Score, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, ClipIndexRole, ClipIdRole };

    explicit ClipTableModel(ArchiveSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    ArchiveSession* session() const { return session_; }
    // A table that is not live has no rows. Sorting 10^6 clips by file took half a second at each
    // opening, for a table that is a tab behind the recording, and every label edit re-filtered and
    // re-sorted it; its panel keeps it live only while it is on screen. Live by default.
    void setLive(bool live);
    bool isLive() const { return live_; }
    // Whether row a sorts before row b in `column`: the order of SortRole's values, compared on the
    // archive's own strings and numbers. Sorting 10^6 rows through QVariant and QString took
    // seconds at each opening; this takes a fraction of that.
    bool rowLessThan(int a, int b, int column) const;

private:
    void columnChanged(int column);
    // What a row sorts by in a column: its text (File, Label) or else its number. SortRole and
    // rowLessThan both read these, so the two orders cannot drift apart.
    const std::string* sortText(int row, int column) const;
    double sortNumber(int row, int column) const;

    ArchiveSession* session_;
    int rows_ = 0;
    bool live_ = true;
};

} // namespace crowlingo::ui
