// Where the app finds its bundled resources (demo models, problem sets) and keeps user data.
// Resources are looked up as the engine does (rwb::resource_dirs): RWB_RESOURCE_DIR, then
// <exe>/../share/reasoning-workbench (package, relocatable tarball), then the source tree for a
// binary running from its build folder only.
#pragma once

#include <QString>

namespace rwb::app {

QString bundledResourceDir(); // e.g. <prefix>/share/reasoning-workbench or <source>/resources
QString userDataDir();        // QStandardPaths::AppDataLocation, created on demand

} // namespace rwb::app
