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
  for (int i = 0; i < 3; i++) {
    const int64_t c = IntegerArg(info, static_cast<size_t>(7 + i), "background");
    if (c < 0 || c > 255) throw CodedError(env, "VALIDATION_FAILED", "Background colour component " + std::to_string(c) + " is not in 0..255");
    background[i] = static_cast<uint8_t>(c);
  }
  SlideRef slide = AcquireSlide(info);
  auto* worker = new RegionJpegWorker(env, slide, r.x, r.y, r.level, r.w, r.h, static_cast<int>(quality), background);
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
