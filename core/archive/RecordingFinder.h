#pragma once
// Which of an archive's (or a folder's) recordings a row of a researcher's table names. Rows name
// recordings three ways (RecordingRef in LabelTable.h): by their path relative to the archive's
// root, by a path from another machine (Raven's "Begin Path", "C:\data\site\a.wav"), matched by as
// many trailing components as tell the recordings apart, or by a file stem inferred from the
// table's own name ("a.Table.1.selections.txt"). Used by label import and by the segmentation
// that cuts clips where a selection table says.
//
//   RecordingFinder finder({"site1/a.wav", "site2/a.wav"});
//   std::string why;
//   std::string path = finder.find(row, why);   // "" with `why` when none or several match
//
// Threading: immutable after construction; find() is safe on any thread.
#include "core/archive/LabelTable.h"

#include <string>
#include <vector>

namespace crowlingo {

class RecordingFinder {
public:
    // Relative paths, generic form ('/' separators), as the archive stores them; `place` names
    // where they are in the reasons find() gives ("the archive", "the folder").
    explicit RecordingFinder(std::vector<std::string> relativePaths, std::string place = "the archive");

    // The recording's relative path, or empty with `why` set (none matches, or several do).
    std::string find(const LabelTableRow& row, std::string& why) const;

private:
    std::vector<std::string> bySuffix(const std::vector<std::string>& want) const;

    std::vector<std::string> paths_;
    std::string place_;
};

} // namespace crowlingo
