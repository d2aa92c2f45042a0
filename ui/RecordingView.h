#pragma once
// A whole recording as a scrollable, zoomable spectrogram, as Raven or Sonic Visualiser show it:
// tiles computed on worker threads (core's RecordingSpectrogram) at the detail the zoom needs, so
// a 10-hour file opens at once; the archive's clips drawn as boxes in the map's colours; a
// cursor and a dragged time range to play.
//
//   view->setRecording(std::make_shared<RecordingSpectrogram>(file, settings));
//   view->setBoxes(boxes);  view->setCurrentClip(i);  view->showRange(12.0, 22.0);
//   connect(view, &RecordingView::clipClicked, session, &ArchiveSession::setCurrentClip);
//
// Mouse: wheel scrolls in time; Ctrl+wheel zooms time at the pointer, Shift+wheel zooms
// frequency; a click on a box selects that clip, elsewhere it sets the cursor; a drag selects a
// time range, and a band too where it is dragged across frequencies as well (a box, as Raven's
// selections are); the edges of the dragged range, and of the current clip if it was drawn by hand,
// can be dragged again (Esc puts them back); a right-click on a box asks for that clip's menu, elsewhere for the view's. The current clip's neighbours in
// this recording are drawn dashed with their rank. Keys: Left/Right scroll, +/- zoom, Space asks to play (the range, else from the
// cursor), Home/End jump, Enter asks to add the dragged stretch as a clip (as Raven's Enter commits a
// selection to its table), F to fit it to its call.
// Threading: GUI thread only. Tiles are computed on the view's own thread pool, visible ones
// first, and a generation number drops tiles of a recording no longer shown (many results per
// request, so not LatestJob's one); the destructor waits for running ones.
#include "core/render/RecordingSpectrogram.h"
#include "core/render/SpectrogramImage.h"

#include <QColor>
#include <QHash>
#include <QImage>
#include <QSet>
#include <QThreadPool>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <list>
#include <memory>
#include <optional>

namespace crowlingo::ui {

class RecordingView : public QWidget {
    Q_OBJECT
public:
    struct Box {
        int clipIndex = -1;
        double start = 0, end = 0;       // recording seconds
        double lowHz = 0, highHz = 0;    // highHz <= lowHz: the full height
        QColor colour;                   // invalid: drawn white
        int neighbourRank = 0;           // 1..k: the current clip's k-th nearest neighbour (dashed, numbered)
        QString label;                   // written in the box's corner, as Raven writes annotations ("": none)
        bool byHand = false;             // drawn by the researcher: its edges can be dragged while it is current
    };

    explicit RecordingView(QWidget* parent = nullptr);
    ~RecordingView() override;

    // Shows another recording (or the same with other settings); null clears. Keeps the visible
    // time range when the file is the same. Without a recording the view shows `emptyText`, or
    // a hint to select a clip.
    void setRecording(std::shared_ptr<const RecordingSpectrogram> recording, const QString& emptyText = {});
    const RecordingSpectrogram* recording() const { return rs_.get(); }

    void setBoxes(QVector<Box> boxes);
    const QVector<Box>& boxes() const { return boxes_; }
    void setCurrentClip(int clipIndex);

    void showRange(double start, double end);          // clamped to the recording, >= 10 columns
    double visibleStart() const { return t0_; }
    double visibleEnd() const { return t1_; }
    double secondsPerPixel() const;
    void zoomTime(double factor, double anchorSeconds); // factor < 1 zooms in
    void zoomFrequency(double factor, double anchorHz);
    double visibleLowHz() const { return f0_; }
    double visibleHighHz() const { return f1_; }

    double cursor() const { return cursor_; }
    void setCursor(double seconds);
    // The dragged range; start >= end when there is none. Its band: highHz <= lowHz for the whole
    // band (a drag of less than a few pixels across frequencies).
    double selectionStart() const { return selStart_; }
    double selectionEnd() const { return selEnd_; }
    double selectionLowHz() const { return selLowHz_; }
    double selectionHighHz() const { return selHighHz_; }
    bool hasSelection() const { return selEnd_ > selStart_; }
    void setSelection(double start, double end, double lowHz = 0, double highHz = 0);
    void setPlayhead(double seconds);                  // NaN hides it
    void requestPlay();                                // playRequested for the range, else from the cursor

    // What is on screen: the plot's area in widget pixels, and where a time or frequency lies.
    QRect plotRect() const;
    double xOfTime(double seconds) const;
    double yOfFrequency(double hz) const;
    int clipAt(QPoint widgetPos) const;                // the box under a point (the shortest), or -1
    bool allVisibleTilesReady() const;
    QString errorText() const { return error_; }
    QString emptyText() const { return emptyText_; } // the reason given for showing no recording
    // What Raven and Sonic Visualiser read out as the mouse moves: the time, frequency and level
    // under the mouse, and the dragged range's start, end and length; drawn in the plot's corner.
    QString measurementText() const { return measurement_; }

    QSize sizeHint() const override { return {600, 160}; }
    QSize minimumSizeHint() const override { return {200, 60}; }

Q_SIGNALS:
    void clipClicked(int clipIndex);
    void clipMenuRequested(int clipIndex, QPoint globalPos); // right-click on a box
    void menuRequested(QPoint globalPos);                    // right-click elsewhere on the plot
    void addSelectionRequested();                            // Enter with a dragged stretch
    void fitSelectionRequested();                            // F with a dragged stretch
    // The current clip, drawn by hand, was given new edges by dragging them (its band: highHz <=
    // lowHz for the whole band). The view shows the new box as the dragged range meanwhile.
    void clipRedrawRequested(int clipIndex, double start, double end, double lowHz, double highHz);
    void selectionChanged();
    void playRequested(double start, double end);    // end <= start: from start to the end of the file
    void visibleRangeChanged(double start, double end);
    void measurementChanged(const QString& text);

protected:
    bool event(QEvent* e) override;
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void leaveEvent(QEvent*) override;
    void contextMenuEvent(QContextMenuEvent*) override;
    void keyPressEvent(QKeyEvent*) override;

private:
    struct Tile {
        int level = 0;
        std::int64_t index = 0;
        Spectrogram values;
        QImage image;                               // one pixel per column and bin, low bins at the bottom
    };
    static quint64 keyOf(int level, std::int64_t index) { return (quint64(level) << 48) | quint64(index); }

    int levelNow() const;
    void requestVisibleTiles();
    void tileFinished(quint64 generation, Tile tile);
    void tileFailed(quint64 generation, const QString& message);
    void renderImage(Tile& tile) const;
    void drawTile(QPainter& p, const Tile& tile, const QRect& plot) const;
    void drawAxes(QPainter& p, const QRect& plot) const;
    void drawBoxes(QPainter& p, const QRect& plot) const;
    double timeOfX(double x) const;
    double frequencyOfY(double y) const;
    std::optional<float> levelAt(double seconds, double hz) const; // from the tiles on hand
    void updateMeasurement();
    // Edges that a press at `pos` would drag: the current clip's if drawn by hand, else the range's.
    enum Edge { NoEdge = 0, LeftEdge = 1, RightEdge = 2, TopEdge = 4, BottomEdge = 8 };
    struct EdgeGrip {
        int edges = NoEdge;
        int clipIndex = -1;      // -1: the dragged range's edges
    };
    EdgeGrip edgeAt(QPointF pos) const;
    const Box* boxOf(int clipIndex) const;          // null if that clip has no box here
    void showEdgePointer(QPointF pos);
    void dragEdges(double seconds, double hz);

    std::shared_ptr<const RecordingSpectrogram> rs_;
    quint64 generation_ = 0;                        // results of an older recording are dropped
    std::optional<float> topDb_;                    // the settings' own, else measured on the first tile
    ValueRange range_;
    QHash<quint64, Tile> cache_;
    std::list<quint64> lru_;                        // most recently used first
    QHash<quint64, std::shared_ptr<std::atomic_bool>> pending_; // flag: the job has started
    QThreadPool pool_;
    QString error_;
    QString emptyText_;                             // shown without a recording (why there is none)
    QPointF hover_{qQNaN(), qQNaN()};               // the mouse over the plot, widget pixels
    QString measurement_;

    QVector<Box> boxes_;
    int current_ = -1;
    double t0_ = 0, t1_ = 10, f0_ = 0, f1_ = 0;
    double cursor_ = 0, selStart_ = 0, selEnd_ = 0, selLowHz_ = 0, selHighHz_ = 0, playhead_ = qQNaN();
    double dragAnchor_ = qQNaN(), dragAnchorHz_ = qQNaN();
    EdgeGrip gripped_;                              // edges being dragged
    double grippedFrom_[4] = {0, 0, 0, 0};          // the range before they were (start, end, low, high): Esc
};

} // namespace crowlingo::ui
