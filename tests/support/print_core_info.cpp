// Prints the core's limits and PII kind names as JSON, straight from the C++
// headers, for tests/wasm/core-info.test.mjs: the wasm module's
// core.limits / core.piiKinds must equal these (no number or name of the
// core may be repeated, or drift, in JavaScript). Each limit under its C++
// name; the test maps kMaxScanChars to maxScanChars.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "core_limits.h"
#include "envelope.h"
#include "pii_scan.h"

int main() {
  using namespace sealshot;
  nlohmann::ordered_json limits;
  limits["kMaxImageDimension"] = kMaxImageDimension;
  limits["kMaxRedactRects"] = kMaxRedactRects;
  limits["kMaxPayloadBytes"] = kMaxPayloadBytes;
  limits["kMaxPayloadParts"] = kMaxPayloadParts;
  limits["kEnvelopeChunkBytes"] = kEnvelopeChunkBytes;
  limits["kEnvelopeMinChunkBytes"] = kEnvelopeMinChunkBytes;
  limits["kEnvelopeMaxChunkBytes"] = kEnvelopeMaxChunkBytes;
  limits["kMaxEnvelopeBytes"] = kMaxEnvelopeBytes;
  limits["kMaxProjectIdLength"] = kMaxProjectIdLength;
  limits["kMaxScanChars"] = kMaxScanChars;
  // PiiKind's values are 0, 1, 2, … with no gap; the first without a name ends them.
  nlohmann::json kinds = nlohmann::json::array();
  for (int kind = 0; kind < 256 && std::string(pii_kind_name(PiiKind(kind))) != "unknown"; ++kind) {
    kinds.push_back(pii_kind_name(PiiKind(kind)));
  }
  std::cout << nlohmann::ordered_json{{"limits", limits}, {"piiKinds", kinds}}.dump() << "\n";
  return 0;
}
