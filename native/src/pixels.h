// Pixel format conversion: OpenSlide's premultiplied ARGB (native-endian uint32) to straight RGBA bytes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace marrowscope {

// Converts `count` premultiplied ARGB pixels to straight RGBA bytes in place (same 4 bytes per pixel).
// Alpha 0 becomes transparent black; alpha 255 (the common case) is a plain byte shuffle.
void ArgbToRgbaInPlace(uint32_t* pixels, size_t count);

}  // namespace marrowscope
