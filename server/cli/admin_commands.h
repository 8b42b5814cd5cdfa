// `sealshot project | submissions | backup | restore`: administering a data
// directory, also while sealshot-server is serving it (SQLite WAL lets the
// two processes share the database).
#pragma once

#include <CLI/CLI.hpp>

namespace sealshot::cli {

void register_admin_commands(CLI::App& app);

}  // namespace sealshot::cli
