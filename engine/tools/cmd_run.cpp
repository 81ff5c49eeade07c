// rwb run: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_run(int, char**) { return fail("run", "not available in this build yet"); }
} // namespace rwb::cli
