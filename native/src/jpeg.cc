#include "jpeg.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <jpeglib.h>

namespace marrowscope {

namespace {

// libjpeg's default error handler calls exit(): jump back instead and report the message.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// One row of premultiplied ARGB → RGB over the background: out = c_premultiplied + bg·(255 − a)/255.
void RowToRgb(const uint32_t* src, int64_t width, const uint8_t bg[3], uint8_t* dst) {
  for (int64_t x = 0; x < width; x++) {
    const uint32_t p = src[x];
    const uint32_t a = p >> 24;
    uint32_t r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
    if (a != 255) {
      const uint32_t k = 255 - a;
      r += (bg[0] * k + 127) / 255;
      g += (bg[1] * k + 127) / 255;
      b += (bg[2] * k + 127) / 255;
      if (r > 255) r = 255;
      if (g > 255) g = 255;
      if (b > 255) b = 255;
    }
    dst[0] = static_cast<uint8_t>(r);
    dst[1] = static_cast<uint8_t>(g);
    dst[2] = static_cast<uint8_t>(b);
    dst += 3;
  }
}

}  // namespace

std::string EncodeArgbAsJpeg(const uint32_t* pixels, int64_t width, int64_t height, int quality, const uint8_t background[3],
                             std::vector<uint8_t>* out) {
  jpeg_compress_struct cinfo;
  JpegError err;
  unsigned char* mem = nullptr;
  unsigned long size = 0;
  std::vector<uint8_t> row(static_cast<size_t>(width) * 3);
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = OnJpegError;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(mem);
    return std::string("JPEG encoding failed: ") + err.message;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &mem, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.optimize_coding = FALSE;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    RowToRgb(pixels + static_cast<int64_t>(cinfo.next_scanline) * width, width, background, row.data());
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  out->assign(mem, mem + size);
  jpeg_destroy_compress(&cinfo);
  std::free(mem);
  return {};
}

std::string DecodeJpegInto(const std::vector<uint8_t>& tables, const uint8_t* data, size_t size, JpegColour colour, int64_t sx, int64_t sy,
                           int64_t w, int64_t h, uint32_t* dst, int64_t stride) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  std::vector<uint32_t> row;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = OnJpegError;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return std::string("JPEG decoding failed: ") + err.message;
  }
  jpeg_create_decompress(&cinfo);
  if (!tables.empty()) {
    // Tables-only stream first: libjpeg keeps its tables for the abbreviated image stream that follows.
    jpeg_mem_src(&cinfo, tables.data(), static_cast<unsigned long>(tables.size()));
    if (jpeg_read_header(&cinfo, FALSE) != JPEG_HEADER_TABLES_ONLY) {
      jpeg_destroy_decompress(&cinfo);
      return "JPEG decoding failed: JPEGTables is not a tables-only stream";
    }
  }
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (colour == JpegColour::kRgb) cinfo.jpeg_color_space = JCS_RGB;
  if (colour == JpegColour::kYCbCr) cinfo.jpeg_color_space = JCS_YCbCr;
  if (cinfo.num_components != 3 || sx < 0 || sy < 0 || w < 1 || h < 1 || sx + w > cinfo.image_width || sy + h > cinfo.image_height) {
    const std::string why = "JPEG of " + std::to_string(cinfo.image_width) + "x" + std::to_string(cinfo.image_height) + "x" +
                            std::to_string(cinfo.num_components) + " cannot give " + std::to_string(w) + "x" + std::to_string(h) +
                            " RGB pixels at (" + std::to_string(sx) + ", " + std::to_string(sy) + ")";
    jpeg_destroy_decompress(&cinfo);
    return why;
  }
  // ARGB in a native-endian uint32 is B,G,R,A in memory on little-endian machines.
  const uint32_t probe = 1;
  const bool little = *reinterpret_cast<const uint8_t*>(&probe) == 1;
  cinfo.out_color_space = little ? JCS_EXT_BGRA : JCS_EXT_ARGB;
  jpeg_start_decompress(&cinfo);
  // Crop a margin wider than asked: fancy chroma upsampling treats the crop's first and last columns
  // as image edges, so they can differ from a full decode; the margin keeps them out of the rectangle.
  const int64_t margin = 2;
  const int64_t x0 = sx - margin > 0 ? sx - margin : 0;
  const int64_t x1 = sx + w + margin < cinfo.output_width ? sx + w + margin : cinfo.output_width;
  JDIMENSION xoff = static_cast<JDIMENSION>(x0), cw = static_cast<JDIMENSION>(x1 - x0);
  if (x0 > 0 || x1 < cinfo.output_width) jpeg_crop_scanline(&cinfo, &xoff, &cw);  // widens to iMCU boundaries
  if (sy > 0) jpeg_skip_scanlines(&cinfo, static_cast<JDIMENSION>(sy));
  row.resize(cinfo.output_width);
  const int64_t shift = sx - static_cast<int64_t>(xoff);
  for (int64_t y = 0; y < h; y++) {
    JSAMPROW rows[1] = {reinterpret_cast<JSAMPROW>(row.data())};
    if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) {
      jpeg_destroy_decompress(&cinfo);
      return "JPEG decoding failed: the stream ended early";
    }
    std::memcpy(dst + y * stride, row.data() + shift, static_cast<size_t>(w) * 4);
  }
  // libjpeg only warns about damaged data (and paints it grey): a damaged tile is an error here.
  const bool damaged = cinfo.err->num_warnings > 0;
  // Stop here: finishing would decode the rows below the rectangle.
  jpeg_destroy_decompress(&cinfo);
  return damaged ? "JPEG decoding failed: the data is damaged" : std::string();
}

}  // namespace marrowscope
