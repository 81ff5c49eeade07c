// rwb pull: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_pull(int, char**) { return fail("pull", "not available in this build yet"); }
} // namespace rwb::cli
