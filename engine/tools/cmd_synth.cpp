// rwb synth: not built yet; its issue implements it.
#include "cli_args.h"
#include "commands.h"

namespace rwb::cli {
int cmd_synth(int, char**) { return fail("synth", "not available in this build yet"); }
} // namespace rwb::cli
