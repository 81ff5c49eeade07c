// Where the app finds its bundled resources (demo models, problem sets) and keeps user data.
// Resources are looked up next to the executable first (build tree, relocatable tarball), then
// under the install prefix's share folder.
#pragma once

#include <QString>

namespace rwb::app {

QString bundledResourceDir(); // e.g. <prefix>/share/reasoning-workbench or <source>/resources
QString userDataDir();        // QStandardPaths::AppDataLocation, created on demand

} // namespace rwb::app
