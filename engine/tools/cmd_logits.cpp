// rwb logits: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_logits(int, char**) { return fail("logits", "not available in this build yet"); }
} // namespace rwb::cli
