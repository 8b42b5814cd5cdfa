#include "server_support/faulty_storage.h"

namespace sealshot::test {
namespace {

class FaultyWriter final : public server::SubmissionWriter {
 public:
  FaultyWriter(std::unique_ptr<server::SubmissionWriter> real, const std::atomic<ErrorCode>& fault)
      : real_(std::move(real)), fault_(fault) {}
  Status write(std::span<const std::uint8_t> bytes) override {
    const ErrorCode fault = fault_.load();
    if (fault != ErrorCode::ok) return {fault, "injected: no space left on device"};
    return real_->write(bytes);
  }
  Result<server::CommitResult> commit() override { return real_->commit(); }

 private:
  std::unique_ptr<server::SubmissionWriter> real_;
  const std::atomic<ErrorCode>& fault_;
};

}  // namespace

Result<std::unique_ptr<server::SubmissionWriter>> FaultyStorage::begin_submission(std::string_view project_id,
                                                                                  std::string_view idempotency_key) {
  auto writer = real_.begin_submission(project_id, idempotency_key);
  if (!writer.ok()) return writer.status();
  return std::unique_ptr<server::SubmissionWriter>(
      std::make_unique<FaultyWriter>(std::move(writer).value(), write_fault));
}

}  // namespace sealshot::test
