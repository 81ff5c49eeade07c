// What the command line asks of the app beyond --version / --smoke-test: a GGUF file to open
// (the installer associates .gguf files, so `reasoning-workbench path/to/model.gguf` is how a
// double-click arrives).
#pragma once

#include <QString>
#include <QStringList>

namespace rwb::ui {

struct LaunchModel {
    QString path;  // absolute path of an existing .gguf file; empty when none was given or valid
    QString error; // one line when a .gguf was named but cannot be used
};

// Looks at `arguments` (QCoreApplication::arguments(): the program first) for the first one that
// is not an option and ends in ".gguf" (any case).
LaunchModel modelFromArguments(const QStringList& arguments);

} // namespace rwb::ui
