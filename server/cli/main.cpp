// `sealshot`: the command-line tool. Subcommands register themselves from
// their own files; this file only parses and turns failures into one
// sentence on stderr (with the error code where one applies) and the exit
// status of the failure's class (cli_error.h, docs/operations.md).
#include <CLI/CLI.hpp>
#include <iostream>

#include "account_commands.h"
#include "admin_commands.h"
#include "cli_error.h"
#include "org_commands.h"
#include "report_commands.h"
#include "review_commands.h"
#include "unknown_command.h"

int main(int argc, char** argv) {
  using namespace sealshot::cli;
  CLI::App app{"Sealshot: privacy-first website feedback. Command-line tools."};
  app.require_subcommand(1);
  register_report_commands(app);
  register_admin_commands(app);
  register_org_commands(app);
  register_account_commands(app);
  register_review_commands(app);  // after admin: adds `project import-key`
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string unknown = unknown_command_sentence(app, argc, argv);
    std::cerr << "sealshot: " << (unknown.empty() ? std::string(e.what()) : unknown) << " (see --help)\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "sealshot: " << e.what() << " (see --help)\n";
    return kExitUsage;
  } catch (const CommandError& e) {
    std::cerr << "sealshot: " << e.what();
    if (e.code != sealshot::ErrorCode::ok) std::cerr << " [" << sealshot::error_code_name(e.code) << "]";
    std::cerr << "\n";
    return exit_status_for(e.code);
  } catch (const std::exception& e) {
    std::cerr << "sealshot: unexpected error: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}
