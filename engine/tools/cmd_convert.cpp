// rwb convert: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_convert(int, char**) { return fail("convert", "not available in this build yet"); }
} // namespace rwb::cli
