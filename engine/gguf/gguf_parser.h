// GgufParser: reads and validates a GGUF v2/v3 image already in memory (a file mapping or a
// copy), filling a GgufFile. Every count is bounded by the bytes left before anything is
// allocated; every failure is one line naming what and where.
#pragma once

#include "gguf/gguf_file.h"

namespace rwb::gguf {

// Limits the parser enforces (public so tests and the writer agree with it).
inline constexpr uint32_t kGgufMagic = 0x46554747; // "GGUF" as a little-endian u32
inline constexpr int kMaxArrayDepth = 8;           // arrays of arrays, outermost = 1
inline constexpr uint64_t kMaxKeyBytes = 65535;
inline constexpr uint64_t kMaxTensorNameBytes = 255;
inline constexpr uint32_t kMaxTensorDims = 4;
inline constexpr uint64_t kMaxAlignment = uint64_t(1) << 30;
// Memory bounds independent of file size: all metadata arrays together hold at most this many
// elements (a 152k vocabulary + 280k merges + scores/types is about 1M), and at most this many
// of those are themselves arrays (each costs a whole Value).
inline constexpr uint64_t kMaxArrayElementsTotal = uint64_t(1) << 25;
inline constexpr uint64_t kMaxNestedArraysTotal = uint64_t(1) << 16;

class GgufParser {
public:
    // file.base_ and file.size_ must be set; fills version, metadata, tensors, offsets.
    static Status parse(GgufFile& file);
};

// Whether `key` is acceptable as a metadata key: 1..65535 bytes of printable ASCII, no spaces.
bool is_valid_key(std::string_view key);

} // namespace rwb::gguf
