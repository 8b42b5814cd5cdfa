#pragma once

#include <CLI/CLI.hpp>

namespace sealshot::cli {

// `sealshot account setup`, `sealshot login`, `sealshot logout`: a person's
// account on a running sealshot-server, with the same client-side key
// derivation and wrapping as the console (docs/security.md).
void register_account_commands(CLI::App& app);

}  // namespace sealshot::cli
