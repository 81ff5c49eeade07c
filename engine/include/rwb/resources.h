// Where the bundled resources (demo models, problem sets) are: next to an installed binary
// (<prefix>/share/reasoning-workbench), in the source tree of a development build, or where the
// RWB_RESOURCE_DIR environment variable points. Used by `rwb run` without -m and by the app.
#pragma once

#include "rwb/status.h"

#include <string>
#include <vector>

namespace rwb {

// The bundled model used when no other model is configured.
inline constexpr const char* kDefaultModelFile = "rwb-demo-medium.gguf";
inline constexpr const char* kDemoModelFiles[] = {"rwb-demo-small.gguf", "rwb-demo-medium.gguf",
                                                  "rwb-demo-large.gguf"};

// Candidate resource folders, most specific first (existing or not).
std::vector<std::string> resource_dirs();

// The first existing "<dir>/<relative>" over resource_dirs(), or an error naming where it looked.
Result<std::string> find_resource(const std::string& relative);

// find_resource("models/" + kDefaultModelFile).
Result<std::string> default_model_path();

} // namespace rwb
