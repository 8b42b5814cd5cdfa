// redact_rects: outward rounding at fractional device pixel ratios, clipping,
// exact fill, untouched surroundings, and every refusal (with the image left
// unchanged because validation happens before any pixel is written).
#include "redact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core_limits.h"
#include "support/synthetic_image.h"

namespace sealshot {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// An owned RGBA image with a recognisable, position-dependent background so
// that any stray write shows up.
struct TestImage {
  int width;
  int height;
  std::vector<std::uint8_t> pixels;

  TestImage(int w, int h) : width(w), height(h), pixels(test::make_screenshot(w, h)) {
    // Make alpha vary too (the fill must force it to exactly 255).
    for (std::size_t i = 0; i < pixels.size(); i += 4) pixels[i + 3] = std::uint8_t((i / 4) % 200);
  }
  RgbaImage view() { return {pixels.data(), pixels.size(), width, height}; }
  const std::uint8_t* at(int x, int y) const {
    return &pixels[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4];
  }
};

// Independent reference: a device pixel [px, px+1) x [py, py+1) is covered when
// it overlaps the scaled rectangle's interior, i.e. x*dpr < px+1 and
// (x+w)*dpr > px (same on y). Zero-size rectangles cover nothing. This is an
// overlap test, not the floor/ceil the implementation uses.
std::vector<bool> reference_mask(int width, int height, const std::vector<CssRect>& rects, double dpr) {
  std::vector<bool> mask(std::size_t(width) * std::size_t(height), false);
  for (const CssRect& r : rects) {
    if (r.width == 0 || r.height == 0) continue;
    const double left = r.x * dpr, right = (r.x + r.width) * dpr;
    const double top = r.y * dpr, bottom = (r.y + r.height) * dpr;
    for (int py = 0; py < height; ++py) {
      if (!(top < py + 1 && bottom > py)) continue;
      for (int px = 0; px < width; ++px) {
        if (left < px + 1 && right > px) mask[std::size_t(py) * std::size_t(width) + std::size_t(px)] = true;
      }
    }
  }
  return mask;
}

// Checks every pixel: covered ones equal fill with alpha 255, others equal the
// original bytes. Returns the number of covered pixels.
std::size_t expect_matches_reference(const TestImage& before, const TestImage& after, const std::vector<CssRect>& rects,
                                     double dpr, RgbColor fill) {
  const std::vector<bool> mask = reference_mask(before.width, before.height, rects, dpr);
  std::size_t covered = 0, mismatches = 0;
  for (int y = 0; y < before.height; ++y) {
    for (int x = 0; x < before.width; ++x) {
      const std::uint8_t* a = after.at(x, y);
      const std::uint8_t* b = before.at(x, y);
      const bool in = mask[std::size_t(y) * std::size_t(before.width) + std::size_t(x)];
      covered += in;
      const bool ok = in ? (a[0] == fill.r && a[1] == fill.g && a[2] == fill.b && a[3] == 255)
                         : (a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3]);
      if (!ok && ++mismatches <= 5) {
        ADD_FAILURE() << "pixel (" << x << "," << y << ") " << (in ? "should be filled" : "should be untouched")
                      << " at dpr " << dpr;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  return covered;
}

// Column/row span [first, last] of filled pixels in the whole image (-1 if none).
struct Span {
  int x0 = -1, x1 = -1, y0 = -1, y1 = -1;
};
Span filled_span(const TestImage& img, RgbColor fill) {
  Span s;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const std::uint8_t* p = img.at(x, y);
      if (p[0] == fill.r && p[1] == fill.g && p[2] == fill.b && p[3] == 255) {
        if (s.x0 < 0 || x < s.x0) s.x0 = x;
        if (x > s.x1) s.x1 = x;
        if (s.y0 < 0) s.y0 = y;
        s.y1 = y;
      }
    }
  }
  return s;
}

// A fill colour the synthetic background never contains with alpha 255.
constexpr RgbColor kMagenta{0xfe, 0x01, 0xfd};

TEST(Redact, HandComputedOutwardRoundingAtDpr15) {
  TestImage img(20, 20);
  const CssRect rect{1, 1, 2, 2};  // device [1.5, 4.5) on both axes -> pixels 1..4
  auto r = redact_rects(img.view(), std::span(&rect, 1), 1.5, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, 1u);
  EXPECT_EQ(r.value().skipped, 0u);
  const Span s = filled_span(img, kMagenta);
  EXPECT_EQ(s.x0, 1);
  EXPECT_EQ(s.x1, 4);
  EXPECT_EQ(s.y0, 1);
  EXPECT_EQ(s.y1, 4);
}

TEST(Redact, HandComputedOutwardRoundingAtDpr125) {
  TestImage img(40, 40);
  // x: 3*1.25 = 3.75 .. (3+5)*1.25 = 10 -> pixels 3..9 (10 is an exact edge, not covered)
  // y: 2*1.25 = 2.5 .. (2+0.5)*1.25 = 3.125 -> pixels 2..3
  const CssRect rect{3, 2, 5, 0.5};
  auto r = redact_rects(img.view(), std::span(&rect, 1), 1.25, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  const Span s = filled_span(img, kMagenta);
  EXPECT_EQ(s.x0, 3);
  EXPECT_EQ(s.x1, 9);
  EXPECT_EQ(s.y0, 2);
  EXPECT_EQ(s.y1, 3);
}

TEST(Redact, IntegerDprCoversExactlyTheScaledRect) {
  TestImage img(30, 30);
  const CssRect rect{2, 3, 4, 1};  // dpr 3: x [6, 18), y [9, 12)
  auto r = redact_rects(img.view(), std::span(&rect, 1), 3, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  const Span s = filled_span(img, kMagenta);
  EXPECT_EQ(s.x0, 6);
  EXPECT_EQ(s.x1, 17);
  EXPECT_EQ(s.y0, 9);
  EXPECT_EQ(s.y1, 11);
}

TEST(Redact, TinyFractionalRectStillFillsThePixelItTouches) {
  TestImage img(10, 10);
  const CssRect rect{4.2, 7.6, 0.1, 0.1};  // inside pixel (4, 7) at dpr 1
  auto r = redact_rects(img.view(), std::span(&rect, 1), 1, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, 1u);
  const Span s = filled_span(img, kMagenta);
  EXPECT_EQ(s.x0, 4);
  EXPECT_EQ(s.x1, 4);
  EXPECT_EQ(s.y0, 7);
  EXPECT_EQ(s.y1, 7);
}

TEST(Redact, MatchesIndependentReferenceAtSeveralDprs) {
  const std::vector<CssRect> rects = {
      {0.3, 0.7, 10.2, 3.3},  {17.5, 5.25, 0.5, 20.1}, {33.33, 40.1, 12.9, 0.01},
      {-3.7, 30.2, 8.1, 2.2}, {50.6, -1.1, 4.4, 6.6},  {12.125, 12.125, 0.25, 0.25},
      {0, 0, 1, 1},           {59.9, 39.9, 5, 5},      {20, 20, 0, 7},  // zero width: nothing
  };
  for (double dpr : {1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 0.5}) {
    SCOPED_TRACE("dpr " + std::to_string(dpr));
    TestImage before(150, 110);
    TestImage after = before;
    auto r = redact_rects(after.view(), rects, dpr, kMagenta);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r.value().filled + r.value().skipped, rects.size());
    const std::size_t covered = expect_matches_reference(before, after, rects, dpr, kMagenta);
    EXPECT_GT(covered, 0u);
  }
}

TEST(Redact, FillColourAndAlphaAreExact) {
  TestImage img(8, 8);
  for (std::size_t i = 3; i < img.pixels.size(); i += 4) img.pixels[i] = 0;  // fully transparent input
  const CssRect rect{0, 0, 8, 8};
  for (RgbColor fill : {RgbColor{0, 0, 0}, RgbColor{255, 255, 255}, RgbColor{12, 34, 56}}) {
    auto r = redact_rects(img.view(), std::span(&rect, 1), 1, fill);
    ASSERT_TRUE(r.ok()) << r.message();
    for (std::size_t i = 0; i < img.pixels.size(); i += 4) {
      ASSERT_EQ(img.pixels[i + 0], fill.r) << "byte " << i;
      ASSERT_EQ(img.pixels[i + 1], fill.g) << "byte " << i;
      ASSERT_EQ(img.pixels[i + 2], fill.b) << "byte " << i;
      ASSERT_EQ(img.pixels[i + 3], 255) << "byte " << i;
    }
  }
}

TEST(Redact, DefaultFillIsOpaqueBlack) {
  TestImage img(4, 4);
  const CssRect rect{1, 1, 1, 1};
  auto r = redact_rects(img.view(), std::span(&rect, 1), 1);
  ASSERT_TRUE(r.ok()) << r.message();
  const std::uint8_t* p = img.at(1, 1);
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[1], 0);
  EXPECT_EQ(p[2], 0);
  EXPECT_EQ(p[3], 255);
}

TEST(Redact, ClipsAtAllFourEdges) {
  const int w = 40, h = 30;
  struct Case {
    const char* name;
    CssRect rect;
    Span want;
  };
  const Case cases[] = {
      {"left", {-5.5, 10, 8, 4}, {0, 2, 10, 13}},    // x [-5.5, 2.5) -> 0..2
      {"top", {10, -7.2, 3, 9}, {10, 12, 0, 1}},     // y [-7.2, 1.8) -> 0..1
      {"right", {37.5, 3, 100, 2}, {37, 39, 3, 4}},  // x [37.5, 137.5) -> 37..39
      {"bottom", {0, 28.1, 2, 50}, {0, 1, 28, 29}},  // y [28.1, 78.1) -> 28..29
      {"all", {-1e6, -1e6, 3e6, 3e6}, {0, 39, 0, 29}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestImage before(w, h);
    TestImage img = before;
    auto r = redact_rects(img.view(), std::span(&c.rect, 1), 1, kMagenta);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r.value().filled, 1u);
    const Span s = filled_span(img, kMagenta);
    EXPECT_EQ(s.x0, c.want.x0);
    EXPECT_EQ(s.x1, c.want.x1);
    EXPECT_EQ(s.y0, c.want.y0);
    EXPECT_EQ(s.y1, c.want.y1);
    expect_matches_reference(before, img, {c.rect}, 1, kMagenta);
  }
}

TEST(Redact, RectsEntirelyOutsideAreSkipped) {
  TestImage before(20, 10);
  TestImage img = before;
  const std::vector<CssRect> rects = {
      {-10, 2, 5, 3},  // left of the image
      {-5, 2, 5, 3},   // ends exactly at x = 0: touches no pixel
      {20, 2, 5, 3},   // starts exactly at the right edge
      {25, 2, 5, 3},   // right of it
      {2, -4, 3, 4},   // ends exactly at y = 0
      {2, 10, 3, 4},   // starts at the bottom edge
      {2, 1e300, 3, 1e300},
      {std::numeric_limits<double>::max(), 0, std::numeric_limits<double>::max(), 5},  // x+w overflows to inf
      {3, 3, 2, 2},                                                                    // the only one inside
  };
  auto r = redact_rects(img.view(), rects, 1, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, 1u);
  EXPECT_EQ(r.value().skipped, rects.size() - 1);
  const Span s = filled_span(img, kMagenta);
  EXPECT_EQ(s.x0, 3);
  EXPECT_EQ(s.x1, 4);
}

TEST(Redact, ZeroSizeRectsAreSkippedEvenAtFractionalPositions) {
  TestImage before(10, 10);
  TestImage img = before;
  // Outward rounding of [1.5, 1.5] would give a 1-pixel box; a zero-size
  // rectangle must still cover nothing.
  const std::vector<CssRect> rects = {{1.5, 1.5, 0, 3}, {2.5, 2.5, 3, 0}, {4.5, 4.5, 0, 0}};
  auto r = redact_rects(img.view(), rects, 1.5, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, 0u);
  EXPECT_EQ(r.value().skipped, 3u);
  EXPECT_EQ(img.pixels, before.pixels);
}

TEST(Redact, EmptyRectListIsANoOp) {
  TestImage before(5, 5);
  TestImage img = before;
  auto r = redact_rects(img.view(), {}, 2, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, 0u);
  EXPECT_EQ(r.value().skipped, 0u);
  EXPECT_EQ(img.pixels, before.pixels);
}

TEST(Redact, OnePixelImages) {
  for (auto [w, h] : {std::pair{1, 1}, std::pair{1, 37}, std::pair{37, 1}}) {
    TestImage before(w, h);
    TestImage img = before;
    const std::vector<CssRect> rects = {{0.5, 0.5, 0.25, 10.2}};
    auto r = redact_rects(img.view(), rects, 1, kMagenta);
    ASSERT_TRUE(r.ok()) << r.message();
    expect_matches_reference(before, img, rects, 1, kMagenta);
  }
}

// ---- refusals ---------------------------------------------------------------

void expect_refused_unchanged(TestImage& img, std::span<const CssRect> rects, double dpr, ErrorCode want) {
  const std::vector<std::uint8_t> before = img.pixels;
  auto r = redact_rects(img.view(), rects, dpr, kMagenta);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), want) << error_code_name(r.code()) << ": " << r.message();
  EXPECT_FALSE(r.message().empty());
  EXPECT_EQ(img.pixels, before) << "a refused call touched pixels";
}

TEST(Redact, RefusesNegativeSizes) {
  TestImage img(10, 10);
  const CssRect w{1, 1, -1, 2}, h{1, 1, 2, -0.5};
  expect_refused_unchanged(img, std::span(&w, 1), 1, ErrorCode::invalid_argument);
  expect_refused_unchanged(img, std::span(&h, 1), 1, ErrorCode::invalid_argument);
}

TEST(Redact, NegativePositionIsNotAnError) {
  TestImage img(10, 10);
  const CssRect rect{-1, -1, 2, 2};
  auto r = redact_rects(img.view(), std::span(&rect, 1), 1, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, 1u);
}

TEST(Redact, RefusesNonFiniteCoordinates) {
  TestImage img(10, 10);
  for (double bad : {kNaN, kInf, -kInf}) {
    for (int field = 0; field < 4; ++field) {
      CssRect rect{1, 1, 2, 2};
      double* fields[] = {&rect.x, &rect.y, &rect.width, &rect.height};
      *fields[field] = bad;
      SCOPED_TRACE("field " + std::to_string(field) + " = " + std::to_string(bad));
      expect_refused_unchanged(img, std::span(&rect, 1), 1, ErrorCode::invalid_argument);
    }
  }
}

TEST(Redact, RefusesBadDevicePixelRatio) {
  TestImage img(10, 10);
  const CssRect rect{1, 1, 2, 2};
  for (double dpr : {0.0, -0.0, -1.0, kNaN, kInf, -kInf, 16.000001, 17.0, 1e300}) {
    SCOPED_TRACE("dpr " + std::to_string(dpr));
    expect_refused_unchanged(img, std::span(&rect, 1), dpr, ErrorCode::invalid_argument);
  }
}

TEST(Redact, AcceptsDprBoundaries) {
  TestImage img(40, 40);
  const CssRect rect{1, 1, 2, 1};
  auto r16 = redact_rects(img.view(), std::span(&rect, 1), 16, kMagenta);  // (0, 16] is inclusive at 16
  ASSERT_TRUE(r16.ok()) << r16.message();
  const Span s = filled_span(img, kMagenta);
  EXPECT_EQ(s.x0, 16);
  EXPECT_EQ(s.x1, 39);  // [16, 48) clipped to 40
  EXPECT_EQ(s.y0, 16);
  EXPECT_EQ(s.y1, 31);
  TestImage small(4, 4);
  auto tiny = redact_rects(small.view(), std::span(&rect, 1), 1e-9, kMagenta);
  ASSERT_TRUE(tiny.ok()) << tiny.message();
  EXPECT_EQ(tiny.value().filled, 1u);  // [1e-9, 3e-9) still touches pixel 0
}

TEST(Redact, RefusesNonPositiveImageSizes) {
  std::vector<std::uint8_t> buf(64, 7);
  const CssRect rect{0, 0, 1, 1};
  for (auto [w, h] : {std::pair{0, 4}, std::pair{4, 0}, std::pair{-1, 4}, std::pair{4, -4}, std::pair{0, 0},
                      std::pair{std::numeric_limits<int>::min(), 1}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    auto r = redact_rects({buf.data(), buf.size(), w, h}, std::span(&rect, 1), 1, kMagenta);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument) << error_code_name(r.code());
  }
  EXPECT_EQ(buf, std::vector<std::uint8_t>(64, 7));
}

TEST(Redact, RefusesShortBuffer) {
  TestImage img(10, 10);
  const std::vector<std::uint8_t> before = img.pixels;
  const CssRect rect{0, 0, 10, 10};
  auto r = redact_rects({img.pixels.data(), img.pixels.size() - 1, 10, 10}, std::span(&rect, 1), 1, kMagenta);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::buffer_too_small);
  EXPECT_EQ(img.pixels, before);
  auto null = redact_rects({nullptr, 400, 10, 10}, std::span(&rect, 1), 1, kMagenta);
  ASSERT_FALSE(null.ok());
  EXPECT_EQ(null.code(), ErrorCode::buffer_too_small);
  // Exactly w*h*4 is enough.
  auto exact = redact_rects({img.pixels.data(), 400, 10, 10}, std::span(&rect, 1), 1, kMagenta);
  EXPECT_TRUE(exact.ok()) << exact.message();
}

TEST(Redact, RefusesOversizedImageByDimensionsFirst) {
  // A 16385-wide image with a 64-byte buffer: the dimension check comes before
  // the buffer check (image_validate), so the answer is image_too_large, and
  // nothing of that size is ever allocated or touched.
  std::vector<std::uint8_t> buf(64, 9);
  const CssRect rect{0, 0, 1, 1};
  for (auto [w, h] : {std::pair{kMaxImageDimension + 1, 1}, std::pair{1, kMaxImageDimension + 1},
                      std::pair{std::numeric_limits<int>::max(), std::numeric_limits<int>::max()}}) {
    auto r = redact_rects({buf.data(), buf.size(), w, h}, std::span(&rect, 1), 1, kMagenta);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::image_too_large) << error_code_name(r.code());
  }
  // At exactly the limit the dimensions pass and the short buffer is what fails.
  auto at_limit = redact_rects({buf.data(), buf.size(), kMaxImageDimension, 1}, std::span(&rect, 1), 1, kMagenta);
  ASSERT_FALSE(at_limit.ok());
  EXPECT_EQ(at_limit.code(), ErrorCode::buffer_too_small);
  EXPECT_EQ(buf, std::vector<std::uint8_t>(64, 9));
}

TEST(Redact, AcceptsMaxDimensionStrip) {
  std::vector<std::uint8_t> buf(std::size_t(kMaxImageDimension) * 4, 1);
  const CssRect rect{kMaxImageDimension - 1.5, 0, 1, 1};
  auto r = redact_rects({buf.data(), buf.size(), kMaxImageDimension, 1}, std::span(&rect, 1), 1, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  // pixels 16382 and 16383
  EXPECT_EQ(buf[(kMaxImageDimension - 3) * 4], 1);
  EXPECT_EQ(buf[(kMaxImageDimension - 2) * 4], kMagenta.r);
  EXPECT_EQ(buf[(kMaxImageDimension - 1) * 4 + 3], 255);
}

TEST(Redact, AcceptsExactlyMaxRects) {
  TestImage img(64, 64);
  std::vector<CssRect> rects(kMaxRedactRects);
  for (std::size_t i = 0; i < rects.size(); ++i) rects[i] = {double(i % 64), double((i / 64) % 64), 1, 1};
  auto r = redact_rects(img.view(), rects, 1, kMagenta);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.value().filled, kMaxRedactRects);
  EXPECT_EQ(r.value().skipped, 0u);
  for (std::size_t i = 3; i < img.pixels.size(); i += 4) ASSERT_EQ(img.pixels[i], 255);
}

TEST(Redact, RefusesOneRectTooMany) {
  TestImage img(64, 64);
  std::vector<CssRect> rects(kMaxRedactRects + 1, CssRect{1, 1, 2, 2});
  expect_refused_unchanged(img, rects, 1, ErrorCode::too_many_rects);
}

TEST(Redact, RefusesHundredThousandRectsWithClearError) {
  TestImage img(64, 64);
  std::vector<CssRect> rects(100000, CssRect{0, 0, 64, 64});
  const std::vector<std::uint8_t> before = img.pixels;
  auto r = redact_rects(img.view(), rects, 1, kMagenta);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::too_many_rects);
  EXPECT_NE(r.message().find("100000"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find(std::to_string(kMaxRedactRects)), std::string::npos) << r.message();
  EXPECT_EQ(img.pixels, before);
}

TEST(Redact, InvalidRectAtTheEndLeavesImageUnchanged) {
  TestImage img(32, 32);
  std::vector<CssRect> rects = {{0, 0, 32, 32}, {1, 1, 5, 5}, {2, 2, 3, 3}};
  for (CssRect bad : {CssRect{1, 1, -1, 1}, CssRect{kNaN, 1, 1, 1}, CssRect{1, 1, 1, kInf}}) {
    std::vector<CssRect> with_bad = rects;
    with_bad.push_back(bad);
    expect_refused_unchanged(img, with_bad, 1, ErrorCode::invalid_argument);
  }
  // The same list without the bad rectangle does fill (so the check above is meaningful).
  auto r = redact_rects(img.view(), rects, 1, kMagenta);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(img.at(31, 31)[0], kMagenta.r);
}

TEST(Redact, ErrorMessageNamesTheBadRect) {
  TestImage img(8, 8);
  const std::vector<CssRect> rects = {{0, 0, 1, 1}, {0, 0, 1, 1}, {0, 0, kNaN, 1}};
  auto r = redact_rects(img.view(), rects, 1, kMagenta);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("2"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace sealshot
