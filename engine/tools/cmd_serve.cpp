// rwb serve: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_serve(int, char**) { return fail("serve", "not available in this build yet"); }
} // namespace rwb::cli
