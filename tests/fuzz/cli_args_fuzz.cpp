// The `sealshot` CLI's argument parsing: the same CLI11 app main.cpp builds
// (every subcommand, option, validator and help text), fed arbitrary
// argument lists. Each input is split at NUL bytes into argv. The commands'
// callbacks are replaced with no-ops before parsing, so no input reaches
// the disk, the network or a terminal: what is fuzzed is what CLI11 and our
// option declarations do with the words. Help requests render the help text
// into a string (the formatter runs too).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "account_commands.h"
#include "admin_commands.h"
#include "cli_error.h"
#include "org_commands.h"
#include "report_commands.h"
#include "review_commands.h"

namespace {
// CLI11 keeps each command's callback in protected members; the commands'
// callbacks also own (by shared_ptr) the variables their options write to,
// so they are moved aside and kept alive for the parse, not destroyed.
struct CallbackSlots : CLI::App {
  static std::function<void()>& final_of(CLI::App& app) { return app.*(&CallbackSlots::final_callback_); }
  static std::function<void()>& complete_of(CLI::App& app) { return app.*(&CallbackSlots::parse_complete_callback_); }
};

void silence(CLI::App& app, std::vector<std::function<void()>>& kept) {
  for (std::function<void()>* slot : {&CallbackSlots::final_of(app), &CallbackSlots::complete_of(app)}) {
    if (*slot) {
      kept.push_back(std::move(*slot));
      *slot = [] {};
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) silence(*sub, kept);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;
  std::vector<std::string> words{"sealshot"};
  std::string word;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      words.push_back(word);
      word.clear();
    } else {
      word.push_back(static_cast<char>(data[i]));
    }
  }
  words.push_back(word);
  if (words.size() > 64) return -1;
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);

  std::vector<std::function<void()>> kept;  // outlives `app`: the options' variables live in there
  CLI::App app{"Sealshot: privacy-first website feedback. Command-line tools."};
  app.require_subcommand(1);
  sealshot::cli::register_report_commands(app);
  sealshot::cli::register_admin_commands(app);
  sealshot::cli::register_org_commands(app);
  sealshot::cli::register_account_commands(app);
  sealshot::cli::register_review_commands(app);
  silence(app, kept);
  try {
    app.parse(static_cast<int>(words.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    std::ostringstream help;
    help << app.help();
  } catch (const CLI::CallForAllHelp&) {
    std::ostringstream help;
    help << app.help("", CLI::AppFormatMode::All);
  } catch (const CLI::ParseError& e) {
    std::ostringstream message;
    message << e.what();
  } catch (const sealshot::cli::CommandError&) {
  }
  return 0;
}
