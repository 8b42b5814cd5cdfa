#pragma once

#include <CLI/CLI.hpp>

namespace sealshot::cli {

// `sealshot org …`: organisations and people for the review console, on the
// server's data directory (the way in for an operator without mail).
void register_org_commands(CLI::App& app);

}  // namespace sealshot::cli
