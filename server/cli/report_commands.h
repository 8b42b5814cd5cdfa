// `sealshot keygen | seal | open | scan`: the capture core on the command line.
#pragma once

#include <CLI/CLI.hpp>

namespace sealshot::cli {

void register_report_commands(CLI::App& app);

}  // namespace sealshot::cli
