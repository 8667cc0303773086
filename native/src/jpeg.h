// JPEG encoding of OpenSlide pixels with the system libjpeg(-turbo), on the worker thread that read them.
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

}  // namespace marrowscope
