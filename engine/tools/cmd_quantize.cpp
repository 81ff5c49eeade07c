// rwb quantize: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_quantize(int, char**) { return fail("quantize", "not available in this build yet"); }
} // namespace rwb::cli
