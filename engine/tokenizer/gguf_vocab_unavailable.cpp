// Tokenizer::load_gguf while this build has no GGUF reader yet (see CMakeLists.txt).
#include "rwb/tokenizer.h"

namespace rwb {

Result<Tokenizer> Tokenizer::load_gguf(const std::string&) {
    return Result<Tokenizer>::error("reading GGUF files is not available in this build yet");
}

} // namespace rwb
