// A clearer sentence than CLI11's "A subcommand is required" when a word
// where a subcommand belongs is none: it names the word and the nearest real
// subcommand (`sealshot opne` → did you mean 'open'?).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sealshot::cli {

// Walks argv through app's subcommands. Returns the sentence for the first
// word that should be a subcommand but is not one, or "" (then CLI11's own
// message is the right one). Options end the walk: their values are not
// subcommands.
[[nodiscard]] std::string unknown_command_sentence(CLI::App& app, int argc, const char* const* argv);

// Edit distance with adjacent transpositions (optimal string alignment), for
// the suggestion.
[[nodiscard]] std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace sealshot::cli
