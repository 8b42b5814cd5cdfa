// `sealshot`: the command-line tool. Subcommands register themselves from
// their own files; this file only parses and turns failures into one
// sentence on stderr and a non-zero exit.
#include <CLI/CLI.hpp>
#include <iostream>

#include "account_commands.h"
#include "admin_commands.h"
#include "cli_error.h"
#include "org_commands.h"
#include "report_commands.h"
#include "review_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Sealshot: privacy-first website feedback. Command-line tools."};
  app.require_subcommand(1);
  sealshot::cli::register_report_commands(app);
  sealshot::cli::register_admin_commands(app);
  sealshot::cli::register_org_commands(app);
  sealshot::cli::register_account_commands(app);
  sealshot::cli::register_review_commands(app);  // after admin: adds `project import-key`
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sealshot: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const sealshot::cli::CommandError& e) {
    std::cerr << "sealshot: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "sealshot: unexpected error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
