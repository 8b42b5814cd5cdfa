// png_to_rgba IN.png OUT.rgba
// Decodes a PNG to raw RGBA8 (row-major, no padding) and prints
// {"width":W,"height":H} on stdout. scripts/make-screenshots uses it so the
// Node benchmark (tests/bench/wasm_bench.mjs) gets pixels without a PNG
// decoder: Node has none built in and the benchmark takes no npm packages.
#include <png.h>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: png_to_rgba IN.png OUT.rgba\n");
    return 2;
  }
  // libpng's simplified API converts any PNG colour type to RGBA8 for us.
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, argv[1])) {
    std::fprintf(stderr, "png_to_rgba: %s: %s\n", argv[1], image.message);
    return 1;
  }
  image.format = PNG_FORMAT_RGBA;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    std::fprintf(stderr, "png_to_rgba: %s: %s\n", argv[1], image.message);
    return 1;
  }
  std::FILE* out = std::fopen(argv[2], "wb");
  if (out == nullptr || std::fwrite(pixels.data(), 1, pixels.size(), out) != pixels.size() || std::fclose(out) != 0) {
    std::perror(argv[2]);
    return 1;
  }
  std::printf("{\"width\":%u,\"height\":%u}\n", image.width, image.height);
  return 0;
}
