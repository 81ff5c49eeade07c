// The facts the About box and `reasoning-workbench --version` show: version, build date, git
// commit, the engine's backends (CPU kernels, CUDA module state), Qt version and where the
// bundled resources and the user's data are. One place, so the dialog and the CLI agree.
#pragma once

#include <QString>

namespace rwb::app {

QString aboutPlainText(); // lines of "Label: value", for --version and logs
QString aboutHtml();      // the same facts for QMessageBox::about

} // namespace rwb::app
