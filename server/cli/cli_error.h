// How a CLI command fails: throw CommandError with one sentence (and, where
// one applies, the error code of docs/envelope.md / result.h); main prints
// "sealshot: <sentence> [<code>]" on stderr and exits with the status of the
// failure's class (docs/operations.md, "Exit statuses").
#pragma once

#include <stdexcept>
#include <string>

#include "result.h"

namespace sealshot::cli {

// One exit status per class of failure, so scripts can branch without
// parsing the sentence.
enum ExitStatus : int {
  kExitOk = 0,
  kExitFailed = 1,  // refused or failed for another reason (no such project, a server's answer, …)
  kExitUsage = 2,   // the command line is wrong: unknown command or option, missing or malformed value
  kExitFile = 3,    // a file or folder cannot be read or written, or exists and --force was not given
  kExitKey = 4,     // a key file is malformed, of the wrong kind or unprotected; the key does not open the report
  kExitReport = 5,  // the envelope or the report inside it is damaged, or belongs to another project
};

// The class of a core or storage error code.
inline int exit_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::storage_error:
    case ErrorCode::storage_full:
    case ErrorCode::already_exists:
      return kExitFile;
    case ErrorCode::bad_key:
    case ErrorCode::envelope_wrong_key:
    case ErrorCode::key_mismatch:
      return kExitKey;
    case ErrorCode::envelope_truncated:
    case ErrorCode::envelope_bad_magic:
    case ErrorCode::envelope_bad_version:
    case ErrorCode::envelope_bad_header:
    case ErrorCode::envelope_size_mismatch:
    case ErrorCode::envelope_trailing_bytes:
    case ErrorCode::envelope_wrong_project:
    case ErrorCode::envelope_corrupt:
    case ErrorCode::envelope_stream_truncated:
    case ErrorCode::payload_malformed:
    case ErrorCode::payload_too_large:
      return kExitReport;
    default:
      return kExitFailed;
  }
}

struct CommandError : std::runtime_error {
  explicit CommandError(const std::string& message) : std::runtime_error(message) {}
  CommandError(ErrorCode error_code, const std::string& message) : std::runtime_error(message), code(error_code) {}
  ErrorCode code = ErrorCode::ok;  // ok: no code of the spec applies; exits 1
};

// An option value the command cannot use (exits 2, like CLI11's own errors).
struct UsageError : CommandError {
  explicit UsageError(const std::string& message) : CommandError(ErrorCode::invalid_argument, message) {}
};

inline void check(const Status& status) {
  if (!status.ok()) throw CommandError(status.code(), status.message());
}

template <class T>
T take(Result<T> result) {
  if (!result.ok()) throw CommandError(result.code(), result.message());
  return std::move(result).value();
}

}  // namespace sealshot::cli
