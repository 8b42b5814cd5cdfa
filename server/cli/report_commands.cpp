#include "report_commands.h"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_error.h"
#include "envelope.h"
#include "file_io.h"
#include "key_files.h"
#include "keys.h"
#include "payload.h"
#include "pii_scan.h"
#include "png_decode.h"
#include "png_encode.h"
#include "project_option.h"
#include "redact.h"
#include "report_open.h"
#include "utf.h"

namespace sealshot::cli {
namespace {

constexpr std::uint64_t kMaxInputBytes = kMaxPayloadBytes;

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// "x,y,w,h" in CSS pixels.
CssRect parse_rect(const std::string& text) {
  CssRect r;
  double* fields[] = {&r.x, &r.y, &r.width, &r.height};
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t comma = text.find(',', pos);
    const std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    *fields[i] = std::strtod(part.c_str(), &end);
    if (part.empty() || end != part.c_str() + part.size() || !std::isfinite(*fields[i]) ||
        (i < 3 && comma == std::string::npos) || (i == 3 && comma != std::string::npos)) {
      throw UsageError("--redact takes x,y,width,height (four numbers), got '" + text + "'.");
    }
    pos = comma + 1;
  }
  return r;
}

struct KeygenOptions {
  std::string public_out, secret_out;
  bool force = false;
};

void keygen(const KeygenOptions& o) {
  if (o.secret_out.empty()) {
    // No file asked for: print both as one JSON object for scripts.
    KeyPair pair = take(keypair_generate());
    std::cout << nlohmann::json{{"public_key", key_to_text(pair.public_key)},
                                {"secret_key", key_to_text(pair.secret_key)}}
                     .dump()
              << "\n";
    return;
  }
  if (o.public_out == o.secret_out) throw UsageError("--public-key-out and --secret-key-out must be different files.");
  // Both outputs are checked before either is written. --force replaces the
  // public key file only: a secret key is the sole copy of what opens reports.
  if (!o.public_out.empty()) check(check_can_write(o.public_out, o.force ? Existing::replace : Existing::refuse));
  KeyPair pair = take(keypair_generate());
  check(write_secret_file(o.secret_out, secret_key_file_text(pair.secret_key)));
  if (!o.public_out.empty()) {
    const std::string text = public_key_file_text(pair.public_key);
    check(write_file_atomic(o.public_out, text.data(), text.size(), 0644,
                            o.force ? Existing::replace : Existing::refuse));
  }
  std::cout << key_to_text(pair.public_key) << "\n";
}

struct SealOptions {
  std::string project, public_key_file, comment, email, category, input, output;
  std::vector<std::string> redact;
  double device_pixel_ratio = 1.0;
  int level = PngOptions{}.compression_level;
  bool force = false;
};

void seal(const SealOptions& o) {
  const Existing existing = o.force ? Existing::replace : Existing::refuse;
  check(check_can_write(o.output, existing));  // before the work, not after
  const PublicKey key = take(read_public_key_file(o.public_key_file, "--public-key"));
  std::vector<CssRect> rects;
  for (const std::string& text : o.redact) rects.push_back(parse_rect(text));

  DecodedImage image = take(png_decode(take(read_file(o.input, kMaxInputBytes))));
  const RedactStats stats = take(
      redact_rects({image.rgba.data(), image.rgba.size(), image.width, image.height}, rects, o.device_pixel_ratio));
  PngOptions png_options;
  png_options.compression_level = o.level;
  const std::vector<std::uint8_t> png =
      take(png_encode({image.rgba.data(), image.rgba.size(), image.width, image.height}, png_options));

  nlohmann::json manifest = {
      {"schema", 1},
      {"source", "cli"},
      {"comment", o.comment},
      {"created_at", utc_now_iso8601()},
      {"screenshot",
       {{"width", image.width},
        {"height", image.height},
        {"device_pixel_ratio", o.device_pixel_ratio},
        {"redactions", stats.filled}}},
  };
  if (!o.email.empty()) manifest["email"] = o.email;
  if (!o.category.empty()) manifest["category"] = o.category;
  const std::string manifest_text = manifest.dump();
  const PayloadPartView parts[] = {
      {kManifestPartName,
       "application/json",
       {reinterpret_cast<const std::uint8_t*>(manifest_text.data()), manifest_text.size()}},
      {kScreenshotPartName, "image/png", png},
  };
  const std::vector<std::uint8_t> payload = take(payload_pack(parts));
  const std::vector<std::uint8_t> envelope = take(envelope_seal(o.project, key, payload));
  check(write_file_atomic(o.output, envelope.data(), envelope.size(), 0644, existing));
  std::cerr << "sealed " << image.width << "x" << image.height << " screenshot, " << stats.filled
            << " redaction(s), png " << png.size() << " bytes, envelope " << envelope.size() << " bytes\n";
}

struct OpenOptions {
  std::string project, input, out_dir;
  std::vector<std::string> secret_key_files;  // a project's keys after rotations: each is tried
  bool force = false;
};

void open_envelope(const OpenOptions& o) {
  std::vector<SecretKey> keys;
  for (const std::string& file : o.secret_key_files) keys.push_back(take(read_secret_key_file(file, "--secret-key")));
  const std::vector<std::uint8_t> envelope = take(read_file(o.input, kMaxEnvelopeFileBytes));
  report_open_into(envelope, keys, o.project, o.out_dir, o.force ? Existing::replace : Existing::refuse,
                   keys.size() == 1
                       ? std::string()  // the core's own sentence
                       : "None of the " + std::to_string(keys.size()) + " secret keys given opens the envelope.");
}

void scan() {
  const std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::vector<std::size_t> utf8_offsets;
  const std::u16string text = utf8_to_utf16(input, &utf8_offsets);
  const std::vector<PiiHit> hits = take(pii_scan(text));
  for (const PiiHit& hit : hits) {
    std::cout << nlohmann::json{{"kind", pii_kind_name(hit.kind)},
                                {"start", hit.start},
                                {"end", hit.end},
                                {"utf8_start", utf8_offsets[hit.start]},
                                {"utf8_end", utf8_offsets[hit.end]}}
                     .dump()
              << "\n";
  }
}

}  // namespace

void register_report_commands(CLI::App& app) {
  auto* keygen_cmd = app.add_subcommand("keygen", "Generate a project keypair.");
  auto ko = std::make_shared<KeygenOptions>();
  auto* secret_out = keygen_cmd->add_option("--secret-key-out", ko->secret_out,
                                            "Write the secret key to this new file (mode 0600; never replaced)");
  keygen_cmd->add_option("--public-key-out", ko->public_out, "Write the public key to this file")->needs(secret_out);
  keygen_cmd->add_flag("--force", ko->force, "Replace an existing --public-key-out file");
  keygen_cmd->callback([ko] { keygen(*ko); });

  auto* seal_cmd = app.add_subcommand("seal", "Redact, encode and encrypt a screenshot into an envelope.");
  auto so = std::make_shared<SealOptions>();
  add_project_option(seal_cmd, so->project, "Project id")->required();
  seal_cmd->add_option("--public-key", so->public_key_file, "The project's public key file")->required();
  seal_cmd->add_option("--redact", so->redact, "x,y,width,height in CSS pixels (repeatable)");
  seal_cmd->add_option("--dpr", so->device_pixel_ratio, "Device pixel ratio of the screenshot");
  seal_cmd->add_option("--comment", so->comment, "The report's comment")->required();
  seal_cmd->add_option("--email", so->email, "Reporter's email (optional)");
  seal_cmd->add_option("--category", so->category, "Category (optional)");
  seal_cmd->add_option("--level", so->level, "PNG compression level 1..12");
  seal_cmd->add_flag("--force", so->force, "Replace the output file if it exists");
  seal_cmd->add_option("input", so->input, "Screenshot PNG")->required();
  seal_cmd->add_option("output", so->output, "Envelope file to write")->required();
  seal_cmd->callback([so] { seal(*so); });

  auto* open_cmd = app.add_subcommand(
      "open", "Decrypt an envelope into a private folder (manifest.json, screenshot.png; 0700/0600).");
  auto oo = std::make_shared<OpenOptions>();
  open_cmd
      ->add_option("--secret-key", oo->secret_key_files,
                   "The project's secret key file (repeatable: each key is tried, for a project whose key was "
                   "rotated)")
      ->required()
      ->allow_extra_args(false);  // one file per --secret-key: the positionals that follow stay positionals
  add_project_option(open_cmd, oo->project, "Expected project id (default: the envelope's)");
  open_cmd->add_flag("--force", oo->force, "Replace files that already exist in the folder");
  open_cmd->add_option("input", oo->input, "Envelope file")->required();
  open_cmd->add_option("outdir", oo->out_dir, "Folder to write the report's parts into")->required();
  open_cmd->callback([oo] { open_envelope(*oo); });

  auto* scan_cmd = app.add_subcommand(
      "scan", "Find personal data in UTF-8 text on stdin; prints one JSON object per hit (UTF-16 offsets).");
  scan_cmd->callback([] { scan(); });
}

}  // namespace sealshot::cli
