// --project with its format checked while parsing, so a malformed id is a
// usage error that says so ("'bad id!' is not a project id"), not a search
// that finds nothing or an envelope "for another project".
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "envelope.h"

namespace sealshot::cli {

inline CLI::Option* add_project_option(CLI::App* command, std::string& project, const std::string& help) {
  return command->add_option("--project", project, help)
      ->check(CLI::Validator(
          [](std::string& value) {
            return project_id_is_valid(value) ? std::string()
                                              : "'" + value +
                                                    "' is not a project id: 1 to 64 characters of A-Z, a-z, 0-9, "
                                                    "'_' and '-'";
          },
          "PROJECT_ID", "project id"));
}

}  // namespace sealshot::cli
