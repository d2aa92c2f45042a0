#pragma once
// Clips where the researcher's own selections are: each selection of a Raven selection table, an
// Audacity label track or a CSV (path,start_s,end_s[,label]) becomes one clip of its recording,
// with its band (Raven's Low/High Freq, Audacity's spectral line) and its label. This is how calls
// already annotated in Raven become an archive (`--segment table[:PATH]`): the clips are the calls
// as drawn, not what a detector finds, so the labels judge neighbours on the researcher's own units.
//
//   SelectionClips s = readSelectionClips("annotations/", {"a.wav", "site/b.wav"});
//   std::vector<Clip> clips = clipsWithin(s.byRecording["a.wav"], 60.0, &pastEnd);
//   ... embed ...;  labelSelectionClips(archive, s);
//
// Threading: plain data and functions; labelSelectionClips uses the Archive on the calling thread.
#include "core/segment/Segmenter.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace crowlingo {

class Archive;

struct SelectionClip {
    Clip clip;
    std::string label;   // "" for a selection without one
    std::string source;  // the table's file name, stored as the label's source
    std::size_t table = 0; // that table's index in SelectionClips::tables
    int line = 0;        // in that table
};

struct SelectionClips {
    std::vector<std::filesystem::path> tables;
    int selections = 0;  // selections read (Raven: each once, whatever its views)
    // Relative recording path -> its selections, by start then end; no two share start and end.
    std::map<std::string, std::vector<SelectionClip>> byRecording;
    std::vector<std::string> problems; // "<table> line N: why": selections that gave no clip
};

// Where a table segmentation's tables are: the spec's path, relative to the recordings folder
// `root`, or the recordings folder itself when the spec names none ("table").
std::filesystem::path selectionTablePath(const SegmentSpec& spec, const std::filesystem::path& root);

// The tables `path` stands for: the file itself, or every Raven selection table
// ("*.selections.txt") in the folder and its subfolders, sorted. Throws UsageError if there is none.
std::vector<std::filesystem::path> selectionTables(const std::filesystem::path& path);

// Reads the tables and files each selection under the recording (of `recordings`, paths relative
// to `root`) it names. A table named after its recording ("a.Table.1.selections.txt") means the
// recording "a.*" beside it if there is one: recorders name files by date and time, so each site's
// folder may hold an "a.wav". Labels come from `labelColumn` of Raven tables if given (every table must have it),
// else from the first of Annotation, Label, Species, Call Type, Type; a table without any is
// selections without labels. Throws UsageError for a table that cannot be read or has no usable header.
SelectionClips readSelectionClips(const std::filesystem::path& path, const std::filesystem::path& root,
                                  const std::vector<std::string>& recordings, const std::string& labelColumn = {});

// The clips of one recording of `duration` seconds: a selection running past the end is cut there,
// one starting at or after it is left out and counted in `pastEnd`.
std::vector<Clip> clipsWithin(const std::vector<SelectionClip>& selections, Seconds duration, int* pastEnd = nullptr);

// Gives each archive clip cut from a selection that selection's label under the table's name (the
// table is that source's truth: a label changed or removed there changes or goes here; labels
// from other sources, the researcher's own edits among them, are not touched). Idempotent, so a
// rerun also labels what an interrupted run did not. Returns the clips whose label it wrote.
int labelSelectionClips(Archive& archive, const SelectionClips& selections);

} // namespace crowlingo
