// JPEG encoding of OpenSlide pixels, and decoding of a slide's stored JPEG tiles, with the system
// libjpeg(-turbo), on libuv worker threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace marrowscope {

// Encodes `width`×`height` premultiplied ARGB pixels (OpenSlide's format) as a baseline JPEG
// (4:2:0, no Huffman optimisation, as PIL and sharp are configured for tiles), compositing partly
// transparent pixels over `background` (RGB). Returns an empty string on success, else why not.
std::string EncodeArgbAsJpeg(const uint32_t* pixels, int64_t width, int64_t height, int quality, const uint8_t background[3],
                             std::vector<uint8_t>* out);

// How to read a 3-component JPEG's colour: as its markers say (libjpeg's guess), or forced, as
// libtiff forces it from the TIFF's Photometric tag (RGB: no transform; YCbCr: the JFIF transform).
enum class JpegColour { kMarkers = 0, kRgb = 1, kYCbCr = 2 };

// Decodes the rectangle (sx, sy, w, h) of a baseline JPEG into `dst` (row stride `stride` pixels) as
// opaque native-endian ARGB, OpenSlide's pixel format. Only the needed scanlines and iMCU columns are
// decoded (jpeg_skip_scanlines, jpeg_crop_scanline). `tables`, when not empty, is an abbreviated
// tables-only stream read first (a TIFF's JPEGTables). Returns an empty string on success, else why
// not (dst may be partly written).
std::string DecodeJpegInto(const std::vector<uint8_t>& tables, const uint8_t* data, size_t size, JpegColour colour, int64_t sx, int64_t sy,
                           int64_t w, int64_t h, uint32_t* dst, int64_t stride);

}  // namespace marrowscope
