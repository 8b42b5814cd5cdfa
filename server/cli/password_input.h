// The password for `sealshot account setup`, `login` and the review
// commands: from a file (--password-file), the SEALSHOT_PASSWORD variable
// (both for scripts and tests), or typed at the terminal without echo.
#pragma once

#include <string>

namespace sealshot::cli {

// A string that is wiped from memory when destroyed.
struct Password {
  std::string text;
  Password() = default;
  explicit Password(std::string t) : text(std::move(t)) {}
  Password(const Password&) = delete;
  Password& operator=(const Password&) = delete;
  ~Password();
};

// `confirm`: at the terminal, asks twice and refuses a mismatch (a new
// password). A file's first line is the password (its line ending dropped).
// Throws CommandError when there is no terminal and no other source.
void read_password(const std::string& password_file, const std::string& prompt, bool confirm, Password& out);

}  // namespace sealshot::cli
