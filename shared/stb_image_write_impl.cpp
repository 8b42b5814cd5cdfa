// The one translation unit that instantiates stb_image_write, with its zlib
// step delegated to libdeflate (see png_encode.cpp) and stdio left out.
#include <libdeflate.h>

#include <cstddef>
#include <cstdlib>

namespace sealshot::detail {
unsigned char* zlib_compress_for_stb(unsigned char* data, int data_len, int* out_len, int quality);
}

#define STBIW_ZLIB_COMPRESS sealshot::detail::zlib_compress_for_stb
// stb's CRC walks a byte table; libdeflate's is several times faster and
// every IDAT byte goes through it.
#define STBIW_CRC32(buffer, len) libdeflate_crc32(0, (buffer), std::size_t(len))
#define STBI_WRITE_NO_STDIO
#define STBIW_ASSERT(x) ((void)0)
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace sealshot::detail {

// stb keeps its options in globals; png_encode.cpp serialises calls.
unsigned char* stb_png_to_mem(const unsigned char* pixels, int width, int height, int channels, int filter, int level,
                              int* out_len) {
  stbi_write_force_png_filter = filter;
  stbi_write_png_compression_level = level;  // reaches zlib_compress_for_stb as `quality`
  return stbi_write_png_to_mem(pixels, width * channels, width, height, channels, out_len);
}

void stb_free(void* p) { STBIW_FREE(p); }

}  // namespace sealshot::detail
