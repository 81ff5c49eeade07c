// The catalog JSON compiled in (generated from resources/catalog/r1-distills.json by CMake).
#pragma once

namespace rwb::library {
const char* catalog_json();
}
