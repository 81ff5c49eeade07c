// rwb tokenize: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_tokenize(int, char**) { return fail("tokenize", "not available in this build yet"); }
} // namespace rwb::cli
