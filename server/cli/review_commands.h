#pragma once

#include <CLI/CLI.hpp>

namespace sealshot::cli {

// `sealshot review …` and `sealshot project import-key`: reading and
// triaging reports through a running server's review API, and granting
// project keys, with every key opened and sealed here, never on the server.
// Call after register_admin_commands (import-key joins its `project`).
void register_review_commands(CLI::App& app);

}  // namespace sealshot::cli
