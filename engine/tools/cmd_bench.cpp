// rwb bench: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_bench(int, char**) { return fail("bench", "not available in this build yet"); }
} // namespace rwb::cli
