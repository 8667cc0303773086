// openslide_addon: a thin Node-API binding of OpenSlide. Argument ergonomics and validation live
// in native/lib (TypeScript); this file only checks what would be unsafe to pass to C.
#include <napi.h>
#include <openslide.h>

#include <cstring>
#include <string>
#include <vector>

#include "SlideState.h"
#include "pixels.h"
#include "workers.h"

namespace marrowscope {
namespace {

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsString()) throw CodedError(info.Env(), "VALIDATION_FAILED", std::string("Expected a string for ") + what);
  return info[i].As<Napi::String>().Utf8Value();
}

int64_t IntegerArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsNumber()) throw CodedError(info.Env(), "VALIDATION_FAILED", std::string("Expected a number for ") + what);
  const double v = info[i].As<Napi::Number>().DoubleValue();
  // Beyond ±2^53 doubles are not exact integers; int64 conversion would be undefined behaviour anyway.
  if (!(v >= -9007199254740991.0 && v <= 9007199254740991.0) || v != static_cast<double>(static_cast<int64_t>(v))) {
    throw CodedError(info.Env(), "VALIDATION_FAILED", std::string("Expected a safe integer for ") + what);
  }
  return static_cast<int64_t>(v);
}

// open(path): Promise<{ handle, vendor, levels, properties, associatedImages }>
Napi::Value Open(const Napi::CallbackInfo& info) {
  auto* worker = new OpenWorker(info.Env(), StringArg(info, 0, "path"));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

SlideRef AcquireSlide(const Napi::CallbackInfo& info) {
  SlideRef slide = UnwrapSlide(info.Env(), info[0]);
  if (!slide->Acquire()) throw CodedError(info.Env(), "SLIDE_CLOSED", "The slide is closed");
  return slide;
}

// Arguments first..first+2: a background colour's r, g, b in 0..255.
void BackgroundArgs(const Napi::CallbackInfo& info, size_t first, uint8_t out[3]) {
  for (size_t i = 0; i < 3; i++) {
    const int64_t c = IntegerArg(info, first + i, "background");
    if (c < 0 || c > 255) throw CodedError(info.Env(), "VALIDATION_FAILED", "Background colour component " + std::to_string(c) + " is not in 0..255");
    out[i] = static_cast<uint8_t>(c);
  }
}

// Arguments 1..5 of the region reads (x, y, level, width, height), checked: level in int32,
// size positive and within kMaxReadPixels and `maxSide` per side. `what` starts the size error.
struct RegionArgs {
  int64_t x, y;
  int32_t level;
  int64_t w, h;
};

RegionArgs RegionArgsOf(const Napi::CallbackInfo& info, int64_t maxSide, const char* what) {
  Napi::Env env = info.Env();
  const int64_t x = IntegerArg(info, 1, "x"), y = IntegerArg(info, 2, "y");
  const int64_t level = IntegerArg(info, 3, "level");
  const int64_t w = IntegerArg(info, 4, "width"), h = IntegerArg(info, 5, "height");
  if (level < 0 || level > INT32_MAX) throw CodedError(env, "VALIDATION_FAILED", "Level " + std::to_string(level) + " is out of range");
  if (w < 1 || h < 1 || w > maxSide || h > maxSide || w > kMaxReadPixels / h) {
    throw CodedError(env, "VALIDATION_FAILED", std::string(what) + " of " + std::to_string(w) + "x" + std::to_string(h) + " pixels is out of bounds");
  }
  return {x, y, static_cast<int32_t>(level), w, h};
}

// readRegion(handle, x, y, level, width, height): Promise<Buffer> of straight RGBA.
Napi::Value ReadRegion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RegionArgs r = RegionArgsOf(info, kMaxReadPixels, "Read");
  // Allocated here, in V8 memory, before the slide is acquired (allocation may throw).
  auto target = Napi::Buffer<uint8_t>::New(env, static_cast<size_t>(r.w * r.h * 4));
  SlideRef slide = AcquireSlide(info);
  auto* worker = new RegionWorker(env, slide, target, r.x, r.y, r.level, r.w, r.h);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// readRegionJpeg(handle, x, y, level, width, height, quality, r, g, b): Promise<Buffer> of a baseline
// JPEG of the region, partly transparent pixels composited over the background (r, g, b).
Napi::Value ReadRegionJpeg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // JPEG dimensions are 16-bit; tiles are far smaller.
  const RegionArgs r = RegionArgsOf(info, 65535, "JPEG read");
  const int64_t quality = IntegerArg(info, 6, "quality");
  if (quality < 1 || quality > 100) throw CodedError(env, "VALIDATION_FAILED", "JPEG quality " + std::to_string(quality) + " is not in 1..100");
  uint8_t background[3];
  BackgroundArgs(info, 7, background);
  SlideRef slide = AcquireSlide(info);
  auto* worker = new RegionJpegWorker(env, slide, r.x, r.y, r.level, r.w, r.h, static_cast<int>(quality), background);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// A JS number that is an integer in 0..2^53 (file offsets reach beyond 2^32 in BigTIFF; past 2^53
// doubles stop being exact integers); false for anything else.
bool NonNegativeInteger(const Napi::Value& v, int64_t* out) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<int64_t>(d))) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

// The largest file range one piece or read may name (256 MiB): a stored tile is far smaller.
constexpr int64_t kMaxFileRange = int64_t{1} << 28;

int64_t IntegerField(Napi::Env env, const Napi::Object& o, const char* key) {
  int64_t v;
  if (!NonNegativeInteger(o.Get(key), &v)) throw CodedError(env, "VALIDATION_FAILED", std::string("Expected a non-negative integer for piece.") + key);
  return v;
}

// decodeJpegTiles(source, pieces, width, height, quality, r, g, b): Promise<Buffer>. Each piece
// { data?: Buffer, offset?, length?, sx, sy, w, h, dx, dy } puts the rectangle (sx, sy, w, h) of its
// JPEG at (dx, dy) of a width x height canvas; without `data` the JPEG is `length` bytes at `offset`
// of source.path. source: null or { path?, tables?: Buffer, colour: 0 markers | 1 RGB | 2 YCbCr }.
// Quality 0 resolves straight RGBA; 1..100 a JPEG over the background.
Napi::Value DecodeJpegTiles(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JpegTilesWorker::Source source{"", {}, JpegColour::kMarkers};
  if (info[0].IsObject()) {
    const Napi::Object o = info[0].As<Napi::Object>();
    if (o.Get("path").IsString()) source.path = o.Get("path").As<Napi::String>().Utf8Value();
    if (o.Get("tables").IsBuffer()) {
      const auto t = o.Get("tables").As<Napi::Buffer<uint8_t>>();
      source.tables.assign(t.Data(), t.Data() + t.Length());
    }
    const Napi::Value c = o.Get("colour");
    const double colour = c.IsNumber() ? c.As<Napi::Number>().DoubleValue() : 0;
    if (colour != 0 && colour != 1 && colour != 2) throw CodedError(env, "VALIDATION_FAILED", "Expected colour 0, 1 or 2");
    source.colour = static_cast<JpegColour>(static_cast<int>(colour));
  } else if (!info[0].IsNull() && !info[0].IsUndefined()) {
    throw CodedError(env, "VALIDATION_FAILED", "Expected null or { path, tables, colour } for the source");
  }
  if (!info[1].IsArray()) throw CodedError(env, "VALIDATION_FAILED", "Expected an array of pieces");
  const int64_t width = IntegerArg(info, 2, "width"), height = IntegerArg(info, 3, "height");
  if (width < 1 || height < 1 || width > 65535 || height > 65535 || width > kMaxReadPixels / height) {
    throw CodedError(env, "VALIDATION_FAILED", "Canvas of " + std::to_string(width) + "x" + std::to_string(height) + " pixels is out of bounds");
  }
  const int64_t quality = IntegerArg(info, 4, "quality");
  if (quality < 0 || quality > 100) throw CodedError(env, "VALIDATION_FAILED", "JPEG quality " + std::to_string(quality) + " is not in 0..100");
  uint8_t background[3];
  BackgroundArgs(info, 5, background);
  const Napi::Array list = info[1].As<Napi::Array>();
  std::vector<JpegTilesWorker::Piece> pieces;
  pieces.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); i++) {
    const Napi::Value item = list.Get(i);
    if (!item.IsObject()) throw CodedError(env, "VALIDATION_FAILED", "Expected an object for piece " + std::to_string(i));
    const Napi::Object o = item.As<Napi::Object>();
    JpegTilesWorker::Piece p{{}, 0, 0, IntegerField(env, o, "sx"), IntegerField(env, o, "sy"), IntegerField(env, o, "w"), IntegerField(env, o, "h"),
                             IntegerField(env, o, "dx"), IntegerField(env, o, "dy")};
    if (o.Get("data").IsBuffer()) {
      const auto data = o.Get("data").As<Napi::Buffer<uint8_t>>();
      p.jpeg.assign(data.Data(), data.Data() + data.Length());
    } else {
      p.offset = IntegerField(env, o, "offset");
      p.length = IntegerField(env, o, "length");
      if (source.path.empty() || p.length < 4 || p.length > kMaxFileRange) {
        throw CodedError(env, "VALIDATION_FAILED", "Piece " + std::to_string(i) + " needs data, or a source path and a length of 4 bytes to 256 MiB");
      }
    }
    // The decoder writes w x h pixels at (dx, dy): they must lie on the canvas.
    if (p.w < 1 || p.h < 1 || p.dx + p.w > width || p.dy + p.h > height) {
      throw CodedError(env, "VALIDATION_FAILED", "Piece " + std::to_string(i) + " does not fit the canvas");
    }
    pieces.push_back(std::move(p));
  }
  auto* worker = new JpegTilesWorker(env, std::move(source), std::move(pieces), width, height, static_cast<int>(quality), background);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// readFileRanges(path, offsets, lengths): Promise<Buffer[]>, the bytes of each range (lengths 1..256 MiB).
Napi::Value ReadFileRanges(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  if (!info[1].IsArray() || !info[2].IsArray() || info[1].As<Napi::Array>().Length() != info[2].As<Napi::Array>().Length()) {
    throw CodedError(env, "VALIDATION_FAILED", "Expected two arrays of equal length: offsets and lengths");
  }
  const Napi::Array offsets = info[1].As<Napi::Array>(), lengths = info[2].As<Napi::Array>();
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (uint32_t i = 0; i < offsets.Length(); i++) {
    int64_t off, len;
    if (!NonNegativeInteger(offsets.Get(i), &off) || !NonNegativeInteger(lengths.Get(i), &len) || len < 1 || len > kMaxFileRange) {
      throw CodedError(env, "VALIDATION_FAILED", "Range " + std::to_string(i) + " needs an integer offset >= 0 and length 1..256 MiB");
    }
    ranges.emplace_back(off, len);
  }
  auto* worker = new FileRangesWorker(env, std::move(path), std::move(ranges));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// readAssociatedImage(handle, name): Promise<{ width, height, data }>.
Napi::Value ReadAssociatedImage(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info, 1, "name");
  SlideRef slide = AcquireSlide(info);
  auto* worker = new AssociatedWorker(info.Env(), slide, std::move(name));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// close(handle): marks the slide closed; the OpenSlide handle is freed when no read holds it.
Napi::Value Close(const Napi::CallbackInfo& info) {
  UnwrapSlide(info.Env(), info[0])->Close();
  return info.Env().Undefined();
}

// isClosed(handle): boolean.
Napi::Value IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapSlide(info.Env(), info[0])->IsClosed());
}

// bestLevelForDownsample(handle, downsample): number. Metadata only: cheap enough for the JS thread.
Napi::Value BestLevelForDownsample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[1].IsNumber()) throw CodedError(env, "VALIDATION_FAILED", "Expected a number for downsample");
  SlideRef slide = AcquireSlide(info);
  const int32_t level = openslide_get_best_level_for_downsample(slide->Handle(), info[1].As<Napi::Number>().DoubleValue());
  slide->Release();
  return Napi::Number::New(env, level);
}

// version(): the OpenSlide library version, e.g. "3.4.1".
Napi::Value Version(const Napi::CallbackInfo& info) {
  const char* v = openslide_get_version();
  return Napi::String::New(info.Env(), v ? v : "unknown");
}

// liveHandles(): OpenSlide handles open in this process (for leak tests).
Napi::Value LiveHandles(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(SlideState::LiveHandles()));
}

// argbToRgba(buffer): a converted copy of premultiplied native-endian ARGB pixels, so tests can check
// the conversion on alpha values real slides rarely produce.
Napi::Value ArgbToRgba(const Napi::CallbackInfo& info) {
  if (!info[0].IsBuffer() || info[0].As<Napi::Buffer<uint8_t>>().Length() % 4 != 0) {
    throw CodedError(info.Env(), "VALIDATION_FAILED", "Expected a Buffer of 4-byte pixels");
  }
  auto in = info[0].As<Napi::Buffer<uint8_t>>();
  std::vector<uint32_t> pixels(in.Length() / 4);
  std::memcpy(pixels.data(), in.Data(), in.Length());
  ArgbToRgbaInPlace(pixels.data(), pixels.size());
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<const uint8_t*>(pixels.data()), in.Length());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("readRegion", Napi::Function::New(env, ReadRegion, "readRegion"));
  exports.Set("readRegionJpeg", Napi::Function::New(env, ReadRegionJpeg, "readRegionJpeg"));
  exports.Set("readFileRanges", Napi::Function::New(env, ReadFileRanges, "readFileRanges"));
  exports.Set("decodeJpegTiles", Napi::Function::New(env, DecodeJpegTiles, "decodeJpegTiles"));
  exports.Set("readAssociatedImage", Napi::Function::New(env, ReadAssociatedImage, "readAssociatedImage"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("isClosed", Napi::Function::New(env, IsClosed, "isClosed"));
  exports.Set("bestLevelForDownsample", Napi::Function::New(env, BestLevelForDownsample, "bestLevelForDownsample"));
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("argbToRgba", Napi::Function::New(env, ArgbToRgba, "argbToRgba"));
  exports.Set("liveHandles", Napi::Function::New(env, LiveHandles, "liveHandles"));
  return exports;
}

}  // namespace
}  // namespace marrowscope

// NODE_API_MODULE pastes the name into an identifier, so it needs an unqualified function.
static Napi::Object InitOpenslideAddon(Napi::Env env, Napi::Object exports) { return marrowscope::Init(env, exports); }

NODE_API_MODULE(openslide_addon, InitOpenslideAddon)
