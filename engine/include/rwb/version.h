// Version facts compiled into the engine: shown by `rwb --version` and the About box.
#pragma once

namespace rwb {
const char* version_string();
const char* build_date();
const char* git_commit();
} // namespace rwb
