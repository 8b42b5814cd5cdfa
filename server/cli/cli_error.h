// How a CLI command fails: throw CommandError with one sentence; main prints
// "sealshot: <sentence>" on stderr and exits 1.
#pragma once

#include <stdexcept>
#include <string>

#include "result.h"

namespace sealshot::cli {

struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline void check(const Status& status) {
  if (!status.ok()) throw CommandError(status.message());
}

template <class T>
T take(Result<T> result) {
  if (!result.ok()) throw CommandError(result.message());
  return std::move(result).value();
}

}  // namespace sealshot::cli
