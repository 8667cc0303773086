#include "pixels.h"

namespace marrowscope {

void ArgbToRgbaInPlace(uint32_t* pixels, size_t count) {
  uint8_t* out = reinterpret_cast<uint8_t*>(pixels);
  for (size_t i = 0; i < count; i++) {
    // Read the whole pixel before writing its 4 bytes: the output slot is the input slot.
    const uint32_t p = pixels[i];
    const uint32_t a = p >> 24;
    uint32_t r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
    if (a == 0) {
      r = g = b = 0;
    } else if (a != 255) {
      // Un-premultiply with truncation, as openslide-python does, so pixels match the reference.
      r = r * 255 / a;
      g = g * 255 / a;
      b = b * 255 / a;
      if (r > 255) r = 255;
      if (g > 255) g = 255;
      if (b > 255) b = 255;
    }
    uint8_t* o = out + i * 4;
    o[0] = static_cast<uint8_t>(r);
    o[1] = static_cast<uint8_t>(g);
    o[2] = static_cast<uint8_t>(b);
    o[3] = static_cast<uint8_t>(a);
  }
}

}  // namespace marrowscope
