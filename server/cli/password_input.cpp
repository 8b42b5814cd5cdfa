#include "password_input.h"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

#include "account_keys.h"
#include "cli_error.h"
#include "file_io.h"

namespace sealshot::cli {
namespace {

void drop_line_ending(std::string& text) {
  const std::size_t end = text.find_first_of("\r\n");
  if (end != std::string::npos) {
    sodium_memzero(text.data() + end, text.size() - end);
    text.resize(end);
  }
}

// One line from /dev/tty with echo off; restores the terminal whatever happens.
bool read_terminal_line(int tty, const std::string& prompt, std::string& out) {
  if (::write(tty, prompt.data(), prompt.size()) < 0) return false;
  termios saved{};
  const bool is_terminal = ::tcgetattr(tty, &saved) == 0;
  if (is_terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  out.clear();
  out.reserve(kMaxPasswordBytes + 2);  // no reallocation leaves copies behind
  char c = 0;
  bool ok = false;
  while (::read(tty, &c, 1) == 1) {
    if (c == '\n') {
      ok = true;
      break;
    }
    if (out.size() <= kMaxPasswordBytes) out.push_back(c);
  }
  c = 0;
  if (is_terminal) ::tcsetattr(tty, TCSAFLUSH, &saved);
  return ok;
}

}  // namespace

Password::~Password() { sodium_memzero(text.data(), text.size()); }

void read_password(const std::string& password_file, const std::string& prompt, bool confirm, Password& out) {
  if (!password_file.empty()) {
    std::vector<std::uint8_t> bytes = take(read_file(password_file, kMaxPasswordBytes + 2));
    out.text.assign(bytes.begin(), bytes.end());
    sodium_memzero(bytes.data(), bytes.size());
    drop_line_ending(out.text);
  } else if (const char* env = std::getenv("SEALSHOT_PASSWORD"); env != nullptr && *env != '\0') {
    out.text = env;
  } else {
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0) {
      throw CommandError(
          "No password: there is no terminal to ask on; give --password-file FILE (or SEALSHOT_PASSWORD).");
    }
    bool ok = read_terminal_line(tty, prompt + ": ", out.text);
    if (ok && confirm) {
      Password again;
      ok = read_terminal_line(tty, "Repeat it: ", again.text);
      if (ok && again.text != out.text) {
        ::close(tty);
        throw CommandError("The two passwords differ; nothing was changed.");
      }
    }
    ::close(tty);
    if (!ok) throw CommandError("No password was typed.");
  }
  if (out.text.empty()) throw CommandError("The password is empty.");
}

}  // namespace sealshot::cli
