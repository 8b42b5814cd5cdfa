#include "result.h"

namespace sealshot {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::ok:
      return "ok";
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::image_too_large:
      return "image_too_large";
    case ErrorCode::buffer_too_small:
      return "buffer_too_small";
    case ErrorCode::too_many_rects:
      return "too_many_rects";
    case ErrorCode::bad_key:
      return "bad_key";
    case ErrorCode::out_of_memory:
      return "out_of_memory";
    case ErrorCode::encode_failed:
      return "encode_failed";
    case ErrorCode::text_too_long:
      return "text_too_long";
    case ErrorCode::envelope_truncated:
      return "envelope_truncated";
    case ErrorCode::envelope_bad_magic:
      return "envelope_bad_magic";
    case ErrorCode::envelope_bad_version:
      return "envelope_bad_version";
    case ErrorCode::envelope_bad_header:
      return "envelope_bad_header";
    case ErrorCode::envelope_size_mismatch:
      return "envelope_size_mismatch";
    case ErrorCode::envelope_trailing_bytes:
      return "envelope_trailing_bytes";
    case ErrorCode::envelope_wrong_project:
      return "envelope_wrong_project";
    case ErrorCode::envelope_wrong_key:
      return "envelope_wrong_key";
    case ErrorCode::envelope_corrupt:
      return "envelope_corrupt";
    case ErrorCode::envelope_stream_truncated:
      return "envelope_stream_truncated";
    case ErrorCode::payload_malformed:
      return "payload_malformed";
    case ErrorCode::payload_too_large:
      return "payload_too_large";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::already_exists:
      return "already_exists";
    case ErrorCode::storage_full:
      return "storage_full";
    case ErrorCode::storage_error:
      return "storage_error";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::unauthenticated:
      return "unauthenticated";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::gone:
      return "gone";
    case ErrorCode::throttled:
      return "throttled";
    case ErrorCode::kdf_params_rejected:
      return "kdf_params_rejected";
    case ErrorCode::key_unwrap_failed:
      return "key_unwrap_failed";
    case ErrorCode::grant_open_failed:
      return "grant_open_failed";
    case ErrorCode::key_mismatch:
      return "key_mismatch";
    case ErrorCode::password_too_weak:
      return "password_too_weak";
  }
  return "unknown";
}

}  // namespace sealshot
