#include "jpeg.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>

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

}  // namespace marrowscope
