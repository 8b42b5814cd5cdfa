// core_bench: the capture pipeline's stages, timed natively on real
// screenshots of demo/account.html (scripts/make-screenshots), next to libpng
// at zlib levels 6 and 9 on the same pixels in the same run.
//
//   core_bench [--screenshots=DIR] [--rects=FILE] [--save-redacted] [--benchmark_*...]
//
// DIR (default: $SEALSHOT_SCREENSHOTS, else <build>/screenshots) holds
// account-1920x1080.png and account-3840x2160.png; FILE (default
// DIR/account-rects.txt) lists the boxes to black out, "x y w h kind" in CSS
// pixels of the 1920x1080 viewport (found by tests/bench/collect-rects.html).
// Every stage reports its output size as the counter "bytes". A comparison
// table against libpng level 9 follows the usual output. See docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "envelope.h"
#include "keys.h"
#include "payload.h"
#include "png_encode.h"
#include "redact.h"

#ifndef SEALSHOT_DEFAULT_SCREENSHOTS
#define SEALSHOT_DEFAULT_SCREENSHOTS "build/screenshots"
#endif

namespace {

using namespace sealshot;
namespace fs = std::filesystem;

constexpr double kViewportCssWidth = 1920;  // the screenshots' viewport; rects are in its CSS pixels
constexpr const char* kManifest =
    R"({"v":1,"url":"https://shop.example/account","title":"My account · Fjordline Outdoor",)"
    R"("viewport":{"width":1920,"height":1080},"comment":"The Update password button does nothing.",)"
    R"("userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/120"})";

struct Shot {
  std::string name;  // e.g. "1920x1080"
  int width = 0, height = 0;
  double device_pixel_ratio = 1;
  std::vector<std::uint8_t> original;  // as captured
  std::vector<std::uint8_t> redacted;  // what the encoder sees in the real pipeline
  std::vector<std::uint8_t> png;       // our default encoding of `redacted`
};

std::vector<Shot> g_shots;
std::vector<CssRect> g_rects;
KeyPair g_keys;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "core_bench: %s\n", message.c_str());
  std::exit(1);
}

bool decode_png(const std::string& path, const std::uint8_t* bytes, std::size_t size, int& width, int& height,
                std::vector<std::uint8_t>& rgba) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  const bool begun = bytes ? png_image_begin_read_from_memory(&image, bytes, size)
                           : png_image_begin_read_from_file(&image, path.c_str());
  if (!begun) return false;
  image.format = PNG_FORMAT_RGBA;
  rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr)) return false;
  width = int(image.width);
  height = int(image.height);
  return true;
}

// libpng with its defaults (adaptive filtering, zlib strategy chosen by
// libpng), writing RGB from our RGBA rows as our encoder does for opaque images.
std::vector<std::uint8_t> libpng_encode(const Shot& shot, int level) {
  std::vector<std::uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) die("libpng failed to encode");
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        auto* sink = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(p));
        sink->insert(sink->end(), data, data + n);
      },
      nullptr);
  png_set_IHDR(png, info, png_uint_32(shot.width), png_uint_32(shot.height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, level);
  png_write_info(png, info);
  png_set_filler(png, 0, PNG_FILLER_AFTER);  // rows are RGBA; libpng drops the 4th byte
  for (int y = 0; y < shot.height; ++y) png_write_row(png, &shot.redacted[std::size_t(y) * shot.width * 4]);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::vector<std::uint8_t> encode_or_die(const Shot& shot, const PngOptions& options) {
  auto png = png_encode({shot.redacted.data(), shot.redacted.size(), shot.width, shot.height}, options);
  if (!png.ok()) die("png_encode: " + png.message());
  return std::move(png).value();
}

std::vector<std::uint8_t> seal_report(const std::vector<std::uint8_t>& png) {
  const PayloadPartView parts[] = {
      {kManifestPartName,
       "application/json",
       {reinterpret_cast<const std::uint8_t*>(kManifest), std::strlen(kManifest)}},
      {kScreenshotPartName, "image/png", png},
  };
  auto payload = payload_pack(parts);
  if (!payload.ok()) die("payload_pack: " + payload.message());
  auto sealed = envelope_seal("fjordline-shop", g_keys.public_key, payload.value());
  if (!sealed.ok()) die("envelope_seal: " + sealed.message());
  return std::move(sealed).value();
}

void redact_or_die(std::vector<std::uint8_t>& pixels, const Shot& shot) {
  auto stats = redact_rects({pixels.data(), pixels.size(), shot.width, shot.height}, g_rects, shot.device_pixel_ratio);
  if (!stats.ok()) die("redact_rects: " + stats.message());
}

// A stand-in for a photo (no photo with a clear licence ships with the repo):
// smooth multi-octave value noise in earthy colours plus per-pixel sensor
// noise. Pasted over part of a screenshot it makes the "-photo" variant, which
// checks that the adaptive filter still picks Paeth where no pixel repeats.
std::uint32_t hash2(int x, int y, std::uint32_t seed) {
  std::uint32_t h = std::uint32_t(x) * 0x8da6b343u ^ std::uint32_t(y) * 0xd8163841u ^ seed * 0xcb1ab31fu;
  h ^= h >> 13;
  h *= 0x5bd1e995u;
  return h ^ h >> 15;
}
double value_noise(double x, double y, std::uint32_t seed) {
  const int x0 = int(x), y0 = int(y);
  const double fx = x - x0, fy = y - y0, sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  auto v = [&](int dx, int dy) { return (hash2(x0 + dx, y0 + dy, seed) & 0xffff) / 65535.0; };
  return (v(0, 0) * (1 - sx) + v(1, 0) * sx) * (1 - sy) + (v(0, 1) * (1 - sx) + v(1, 1) * sx) * sy;
}
void paste_photo(std::vector<std::uint8_t>& rgba, int width, int x0, int y0, int w, int h) {
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double n = 0, amp = 0.55;
      for (double scale : {96.0, 32.0, 9.0, 3.0}) {
        n += amp * value_noise(x / scale, y / scale, std::uint32_t(scale));
        amp *= 0.5;
      }
      const double sensor = int(hash2(x, y, 7) % 9) - 4;
      std::uint8_t* p = &rgba[(std::size_t(y0 + y) * std::size_t(width) + std::size_t(x0 + x)) * 4];
      p[0] = std::uint8_t(std::clamp(60 + 150 * n + sensor, 0.0, 255.0));
      p[1] = std::uint8_t(std::clamp(90 + 120 * n - 30.0 * y / h + sensor, 0.0, 255.0));
      p[2] = std::uint8_t(std::clamp(40 + 90 * n + 40.0 * y / h + sensor, 0.0, 255.0));
      p[3] = 255;
    }
  }
}

// --- the benchmarks -----------------------------------------------------------

void BM_redact(benchmark::State& state, const Shot* shot) {
  std::vector<std::uint8_t> work = shot->original;  // redacting is idempotent: reuse one copy
  for (auto _ : state) {
    redact_or_die(work, *shot);
    benchmark::ClobberMemory();
  }
  state.counters["bytes"] = double(work.size());
  state.counters["rects"] = double(g_rects.size());
}

void BM_png_encode(benchmark::State& state, const Shot* shot, PngOptions options) {
  std::size_t bytes = 0;
  for (auto _ : state) bytes = encode_or_die(*shot, options).size();
  state.counters["bytes"] = double(bytes);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(shot->redacted.size()));
}

void BM_libpng(benchmark::State& state, const Shot* shot, int level) {
  std::size_t bytes = 0;
  for (auto _ : state) bytes = libpng_encode(*shot, level).size();
  state.counters["bytes"] = double(bytes);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(shot->redacted.size()));
}

void BM_seal(benchmark::State& state, const Shot* shot) {
  std::size_t bytes = 0;
  for (auto _ : state) bytes = seal_report(shot->png).size();
  state.counters["bytes"] = double(bytes);
}

// What the widget does per report: copy the capture, redact, encode, seal.
void BM_pipeline(benchmark::State& state, const Shot* shot) {
  std::vector<std::uint8_t> work(shot->original.size());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::memcpy(work.data(), shot->original.data(), work.size());
    redact_or_die(work, *shot);
    auto png = png_encode({work.data(), work.size(), shot->width, shot->height});
    if (!png.ok()) die("png_encode: " + png.message());
    bytes = seal_report(png.value()).size();
  }
  state.counters["bytes"] = double(bytes);
}

// --- setup -----------------------------------------------------------------------

std::vector<CssRect> load_rects(const std::string& path) {
  std::ifstream in(path);
  if (!in) die("cannot read " + path + " (run scripts/make-screenshots)");
  std::vector<CssRect> rects;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    CssRect r;
    if (fields >> r.x >> r.y >> r.width >> r.height) rects.push_back(r);
  }
  if (rects.empty()) die(path + " lists no rectangles");
  return rects;
}

void load_shots(const std::string& dir) {
  for (const char* name : {"1920x1080", "3840x2160"}) {
    const std::string path = dir + "/account-" + name + ".png";
    if (!fs::exists(path)) {
      std::fprintf(stderr, "core_bench: %s missing, skipped (run scripts/make-screenshots)\n", path.c_str());
      continue;
    }
    Shot shot;
    shot.name = name;
    if (!decode_png(path, nullptr, 0, shot.width, shot.height, shot.original)) die("cannot decode " + path);
    shot.device_pixel_ratio = shot.width / kViewportCssWidth;
    shot.redacted = shot.original;
    redact_or_die(shot.redacted, shot);
    shot.png = encode_or_die(shot, {});
    g_shots.push_back(std::move(shot));
  }
  // The photo variant: the redacted 1920x1080 shot with a 1180x300 "photo"
  // banner (as a hero image would be) over the top of the main column.
  if (!g_shots.empty() && g_shots.front().name == "1920x1080") {
    Shot photo = g_shots.front();
    photo.name = "1920x1080-photo";
    paste_photo(photo.redacted, photo.width, 306, 180, 1180, 300);
    photo.original = photo.redacted;
    photo.png = encode_or_die(photo, {});
    g_shots.push_back(std::move(photo));
  }
  if (g_shots.empty()) die("no screenshots in " + dir);
}

// Our PNG must decode (with libpng) to exactly the pixels we encoded.
void verify_round_trip(const Shot& shot) {
  int w = 0, h = 0;
  std::vector<std::uint8_t> back;
  if (!decode_png("", shot.png.data(), shot.png.size(), w, h, back) || w != shot.width || h != shot.height ||
      back != shot.redacted) {
    die("our PNG of " + shot.name + " does not decode to the encoded pixels");
  }
}

// --- summary table -----------------------------------------------------------------

// Keeps each benchmark's median real time (over repetitions) and "bytes".
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // Single runs, or with repetitions the "median" aggregate (all that
      // reaches a display reporter under --benchmark_display_aggregates_only).
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type != Run::RT_Iteration && !median) continue;
      Entry& e = results_[run.run_name.function_name];
      if (median)
        e.median_ms = run.GetAdjustedRealTime();
      else
        e.times_ms.push_back(run.GetAdjustedRealTime());  // every benchmark is registered in ms
      if (auto it = run.counters.find("bytes"); it != run.counters.end()) e.bytes = it->second.value;
    }
    // With repetitions, show only the median line of each benchmark (the
    // JSON file keeps every run): the console stays one line per benchmark.
    std::vector<Run> shown;
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate ? run.aggregate_name == "median" : run.repetitions <= 1) {
        shown.push_back(run);
      }
    }
    if (!shown.empty()) ConsoleReporter::ReportRuns(shown);
  }
  void print_summary() const {
    for (const Shot& shot : g_shots) {
      const Entry* base = find("png_encode/" + shot.name + "/libpng-9");
      if (base == nullptr) continue;
      std::printf("\n%s: PNG encoders vs libpng zlib-9 (%.1f ms, %.0f bytes); ratios < 1 are better\n",
                  shot.name.c_str(), base->median(), base->bytes);
      std::printf("  %-34s %10s %10s %8s %8s\n", "encoder", "ms", "bytes", "size", "time");
      // Ours first (default, then variants), libpng last.
      const std::string prefix = "png_encode/" + shot.name + "/";
      std::vector<std::pair<std::string, const Entry*>> rows;
      for (const auto& [name, e] : results_) {
        if (name.rfind(prefix, 0) == 0) rows.emplace_back(name.substr(prefix.size()), &e);
      }
      // Key: (ours default / variants / libpng, name before "-L", level as a number).
      auto key = [](const std::string& n) {
        const int rank = n == "default" ? 0 : n.rfind("libpng", 0) == 0 ? 2 : 1;
        const std::size_t at = n.rfind("-L");
        const int level = at == std::string::npos ? 0 : std::atoi(n.c_str() + at + 2);
        return std::make_tuple(rank, n.substr(0, at), level);
      };
      std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key(a.first) < key(b.first); });
      for (const auto& [name, e] : rows) {
        std::printf("  %-34s %10.1f %10.0f %8.3f %8.3f\n", name.c_str(), e->median(), e->bytes, e->bytes / base->bytes,
                    e->median() / base->median());
      }
      if (const Entry* p = find("pipeline/" + shot.name)) {
        std::printf("  full pipeline (copy+redact+encode+seal): %.1f ms, %.0f bytes sealed\n", p->median(), p->bytes);
      }
    }
  }

 private:
  struct Entry {
    std::vector<double> times_ms;
    double median_ms = -1;  // from the "median" aggregate, when there is one
    double bytes = 0;
    double median() const {
      if (median_ms >= 0) return median_ms;
      std::vector<double> t = times_ms;
      std::sort(t.begin(), t.end());
      return t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
    }
  };
  const Entry* find(const std::string& name) const {
    auto it = results_.find(name);
    return it == results_.end() ? nullptr : &it->second;
  }
  std::map<std::string, Entry> results_;
};

const char* filter_name(int filter) {
  static const char* const names[] = {"adaptive", "none", "sub", "up", "average", "paeth"};
  return names[filter + 1];
}

void register_benchmarks() {
  const PngOptions defaults;
  for (const Shot& shot : g_shots) {
    const std::string s = shot.name;
    const bool photo = s.find("-photo") != std::string::npos;  // only the filter question
    auto add = [](const std::string& name, auto&& fn, auto... args) {
      benchmark::RegisterBenchmark(name.c_str(), fn, args...)->Unit(benchmark::kMillisecond)->UseRealTime();
    };
    auto variant = [&](PngOptions o) {
      add("png_encode/" + s + "/" + filter_name(o.filter) + "-L" + std::to_string(o.compression_level), BM_png_encode,
          &shot, o);
    };
    if (!photo) add("redact/" + s, BM_redact, &shot);
    add("png_encode/" + s + "/default", BM_png_encode, &shot, defaults);
    for (int filter : {-1, 0, 1, 2, 3, 4}) {
      if (filter != defaults.filter && (!photo || filter == 0 || filter == 4)) {
        variant({defaults.compression_level, filter});
      }
    }
    for (int level : {4, 5, 6, 7, 8, 9, 12}) {
      if (level != defaults.compression_level && !photo) variant({level, defaults.filter});
    }
    add("png_encode/" + s + "/libpng-6", BM_libpng, &shot, 6);
    add("png_encode/" + s + "/libpng-9", BM_libpng, &shot, 9);
    if (!photo) {
      add("seal/" + s, BM_seal, &shot);
      add("pipeline/" + s, BM_pipeline, &shot);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);  // consumes --benchmark_* flags
  std::string dir =
      std::getenv("SEALSHOT_SCREENSHOTS") ? std::getenv("SEALSHOT_SCREENSHOTS") : SEALSHOT_DEFAULT_SCREENSHOTS;
  std::string rects_path;
  bool save_redacted = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--screenshots=", 0) == 0)
      dir = arg.substr(14);
    else if (arg.rfind("--rects=", 0) == 0)
      rects_path = arg.substr(8);
    else if (arg == "--save-redacted")
      save_redacted = true;
    else
      die("unknown argument " + arg + " (see the comment at the top of core_bench.cpp)");
  }
  if (!crypto_init().ok()) die("libsodium failed to initialise");
  auto keys = keypair_generate();
  if (!keys.ok()) die("keypair_generate: " + keys.message());
  g_keys = keys.value();
  g_rects = load_rects(rects_path.empty() ? dir + "/account-rects.txt" : rects_path);
  load_shots(dir);
  for (const Shot& shot : g_shots) {
    verify_round_trip(shot);
    if (save_redacted) {
      const std::string out = dir + "/account-" + shot.name + ".redacted.png";
      std::ofstream(out, std::ios::binary)
          .write(reinterpret_cast<const char*>(shot.png.data()), std::streamsize(shot.png.size()));
    }
  }
  std::printf("core_bench: %zu screenshot(s) from %s, %zu redaction rects, PNG round trip verified\n", g_shots.size(),
              dir.c_str(), g_rects.size());
  register_benchmarks();
  SummaryReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                 : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary();
  benchmark::Shutdown();
  return 0;
}
