// rwb info: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_info(int, char**) { return fail("info", "not available in this build yet"); }
} // namespace rwb::cli
