// rwb eval: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_eval(int, char**) { return fail("eval", "not available in this build yet"); }
} // namespace rwb::cli
