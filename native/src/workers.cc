#include "workers.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "jpeg.h"
#include "pixels.h"

namespace marrowscope {

namespace {
// Tags Externals made by this addon (random 128 bits).
const napi_type_tag kSlideTag = {0x6d61727230777363ULL, 0x6f70656e736c6964ULL};
}  // namespace

Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

Napi::Value WrapSlide(Napi::Env env, SlideRef slide) {
  auto* holder = new SlideRef(std::move(slide));
  auto ext = Napi::External<SlideRef>::New(env, holder, [](Napi::Env, SlideRef* p) { delete p; });
  ext.TypeTag(&kSlideTag);
  return ext;
}

SlideRef UnwrapSlide(Napi::Env env, const Napi::Value& value) {
  if (!value.IsExternal() || !value.As<Napi::External<SlideRef>>().CheckTypeTag(&kSlideTag)) {
    throw CodedError(env, "VALIDATION_FAILED", "Expected a slide handle made by openslide_addon.open");
  }
  return *value.As<Napi::External<SlideRef>>().Data();
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (Failed()) {
    deferred_.Reject(CodedError(env, code_, message_).Value());
    return;
  }
  deferred_.Resolve(Result(env));
}

void OpenWorker::Execute() {
  const char* vendor = openslide_detect_vendor(path_.c_str());
  vendor_ = vendor ? vendor : "";
  openslide_t* osr = openslide_open(path_.c_str());
  if (osr == nullptr) {
    Fail("SLIDE_UNSUPPORTED_FORMAT", "Not a file that OpenSlide can recognize: " + path_);
    return;
  }
  // From here the state owns osr and closes it, whatever happens.
  slide_ = std::make_shared<SlideState>(osr);
  auto latched = [&]() -> bool {
    const char* err = openslide_get_error(osr);
    if (err == nullptr) return false;
    Fail("SLIDE_READ_FAILED", std::string("OpenSlide could not read ") + path_ + ": " + err);
    slide_->Close();
    slide_.reset();
    return true;
  };
  if (latched()) return;

  const int32_t count = openslide_get_level_count(osr);
  for (int32_t i = 0; i < count; i++) {
    Level level{0, 0, openslide_get_level_downsample(osr, i)};
    openslide_get_level_dimensions(osr, i, &level.width, &level.height);
    levels_.push_back(level);
  }
  for (const char* const* name = openslide_get_property_names(osr); name && *name; name++) {
    const char* value = openslide_get_property_value(osr, *name);
    properties_.emplace_back(*name, value ? value : "");
  }
  for (const char* const* name = openslide_get_associated_image_names(osr); name && *name; name++) {
    Associated a{*name, 0, 0};
    openslide_get_associated_image_dimensions(osr, *name, &a.width, &a.height);
    associated_.push_back(a);
  }
  if (latched()) return;
  if (count < 1) {
    Fail("SLIDE_READ_FAILED", "OpenSlide reported no levels for " + path_);
    slide_->Close();
    slide_.reset();
  }
}

Napi::Value OpenWorker::Result(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("handle", WrapSlide(env, slide_));
  out.Set("vendor", Napi::String::New(env, vendor_));
  Napi::Array levels = Napi::Array::New(env, levels_.size());
  for (size_t i = 0; i < levels_.size(); i++) {
    Napi::Object level = Napi::Object::New(env);
    level.Set("width", Napi::Number::New(env, static_cast<double>(levels_[i].width)));
    level.Set("height", Napi::Number::New(env, static_cast<double>(levels_[i].height)));
    level.Set("downsample", Napi::Number::New(env, levels_[i].downsample));
    levels.Set(static_cast<uint32_t>(i), level);
  }
  out.Set("levels", levels);
  Napi::Object properties = Napi::Object::New(env);
  for (const auto& [name, value] : properties_) properties.Set(name, value);
  out.Set("properties", properties);
  Napi::Array associated = Napi::Array::New(env, associated_.size());
  for (size_t i = 0; i < associated_.size(); i++) {
    Napi::Object a = Napi::Object::New(env);
    a.Set("name", associated_[i].name);
    a.Set("width", Napi::Number::New(env, static_cast<double>(associated_[i].width)));
    a.Set("height", Napi::Number::New(env, static_cast<double>(associated_[i].height)));
    associated.Set(static_cast<uint32_t>(i), a);
  }
  out.Set("associatedImages", associated);
  return out;
}

void SlideReadWorker::Execute() {
  if (slide_->IsClosed()) {
    // Closed while this read waited in the queue: skip the I/O.
    Fail("SLIDE_CLOSED", "The slide was closed before the read started");
  } else {
    openslide_t* osr = slide_->Handle();
    const char* err = openslide_get_error(osr);
    if (err != nullptr) {
      Fail("SLIDE_READ_FAILED", std::string("The slide is unusable after an earlier read error: ") + err);
    } else {
      Read(osr);
    }
  }
  // Frees the handle here, off the JS thread, when this was the last read after close().
  ReleaseOnce();
}

void SlideReadWorker::ReleaseOnce() {
  if (released_) return;
  released_ = true;
  slide_->Release();
}

bool SlideReadWorker::Allocate(int64_t width, int64_t height) {
  if (width <= 0 || height <= 0 || width > kMaxReadPixels / height) {
    Fail("VALIDATION_FAILED", "Read of " + std::to_string(width) + "x" + std::to_string(height) + " pixels is out of bounds");
    return false;
  }
  try {
    pixels_.resize(static_cast<size_t>(width * height));
  } catch (const std::bad_alloc&) {
    Fail("SLIDE_READ_FAILED", "Out of memory allocating " + std::to_string(width) + "x" + std::to_string(height) + " pixels");
    return false;
  }
  return true;
}

bool SlideReadWorker::ReadSucceeded(openslide_t* osr) {
  const char* err = openslide_get_error(osr);
  if (err == nullptr) return true;
  Fail("SLIDE_READ_FAILED", std::string("OpenSlide read failed: ") + err);
  return false;
}

void SlideReadWorker::Finish(openslide_t* osr, uint32_t* data, size_t count) {
  if (ReadSucceeded(osr)) ArgbToRgbaInPlace(data, count);
}

Napi::Buffer<uint8_t> SlideReadWorker::CopyPixels(Napi::Env env) {
  // Copy, never an external buffer: Electron's V8 memory cage forbids those.
  auto buf = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(pixels_.data()), pixels_.size() * 4);
  std::vector<uint32_t>().swap(pixels_);
  return buf;
}

void RegionWorker::Read(openslide_t* osr) {
  if (level_ < 0 || level_ >= openslide_get_level_count(osr)) {
    Fail("VALIDATION_FAILED", "Level " + std::to_string(level_) + " is out of range");
    return;
  }
  const size_t count = static_cast<size_t>(w_ * h_);
  if (reinterpret_cast<uintptr_t>(dest_) % alignof(uint32_t) == 0) {
    uint32_t* data = reinterpret_cast<uint32_t*>(dest_);
    openslide_read_region(osr, data, x_, y_, level_, w_, h_);
    Finish(osr, data, count);
    return;
  }
  // Node allocates buffers aligned; this path only guards against a future change.
  if (!Allocate(w_, h_)) return;
  openslide_read_region(osr, pixels_.data(), x_, y_, level_, w_, h_);
  Finish(osr, pixels_.data(), count);
  std::memcpy(dest_, pixels_.data(), count * 4);
}

void RegionJpegWorker::Read(openslide_t* osr) {
  if (level_ < 0 || level_ >= openslide_get_level_count(osr)) {
    Fail("VALIDATION_FAILED", "Level " + std::to_string(level_) + " is out of range");
    return;
  }
  if (!Allocate(w_, h_)) return;
  openslide_read_region(osr, pixels_.data(), x_, y_, level_, w_, h_);
  if (!ReadSucceeded(osr)) return;
  const std::string err = EncodeArgbAsJpeg(pixels_.data(), w_, h_, quality_, background_, &jpeg_);
  std::vector<uint32_t>().swap(pixels_);
  if (!err.empty()) Fail("SLIDE_READ_FAILED", err);
}

Napi::Value RegionJpegWorker::Result(Napi::Env env) {
  // Copied into V8 memory (Electron's memory cage forbids external buffers).
  auto buf = Napi::Buffer<uint8_t>::Copy(env, jpeg_.data(), jpeg_.size());
  std::vector<uint8_t>().swap(jpeg_);
  return buf;
}

void AssociatedWorker::Read(openslide_t* osr) {
  openslide_get_associated_image_dimensions(osr, name_.c_str(), &width_, &height_);
  if (width_ < 0 || height_ < 0) {
    Fail("VALIDATION_FAILED", "No associated image named \"" + name_ + "\"");
    return;
  }
  if (!Allocate(width_, height_)) return;
  openslide_read_associated_image(osr, name_.c_str(), pixels_.data());
  Finish(osr, pixels_.data(), pixels_.size());
}

Napi::Value AssociatedWorker::Result(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("width", Napi::Number::New(env, static_cast<double>(width_)));
  out.Set("height", Napi::Number::New(env, static_cast<double>(height_)));
  out.Set("data", CopyPixels(env));
  return out;
}

bool JpegTilesWorker::ReadPieces() {
  int fd = -1;
  bool ok = true;
  for (Piece& p : pieces_) {
    if (!p.jpeg.empty()) continue;
    if (fd < 0 && (fd = open(source_.path.c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
      Fail("SLIDE_READ_FAILED", "Cannot open " + source_.path + ": " + std::strerror(errno));
      return false;
    }
    if (!PreadFully(fd, p.offset, p.length, &p.jpeg)) {
      Fail("SLIDE_READ_FAILED", "Short read of a stored tile at byte " + std::to_string(p.offset) + " of " + source_.path);
      ok = false;
      break;
    }
  }
  if (fd >= 0) close(fd);
  return ok;
}

void JpegTilesWorker::Execute() {
  if (!ReadPieces()) return;
  try {
    canvas_.assign(static_cast<size_t>(width_ * height_), 0);  // transparent where no piece lands
  } catch (const std::bad_alloc&) {
    Fail("SLIDE_READ_FAILED", "Out of memory allocating " + std::to_string(width_) + "x" + std::to_string(height_) + " pixels");
    return;
  }
  for (const Piece& p : pieces_) {
    const std::string err =
        DecodeJpegInto(source_.tables, p.jpeg.data(), p.jpeg.size(), source_.colour, p.sx, p.sy, p.w, p.h, canvas_.data() + p.dy * width_ + p.dx, width_);
    if (!err.empty()) {
      Fail("SLIDE_READ_FAILED", err);
      return;
    }
  }
  std::vector<Piece>().swap(pieces_);
  if (quality_ > 0) {
    const std::string err = EncodeArgbAsJpeg(canvas_.data(), width_, height_, quality_, background_, &jpeg_);
    std::vector<uint32_t>().swap(canvas_);
    if (!err.empty()) Fail("SLIDE_READ_FAILED", err);
  } else {
    ArgbToRgbaInPlace(canvas_.data(), canvas_.size());
  }
}

Napi::Value JpegTilesWorker::Result(Napi::Env env) {
  // Copied into V8 memory (Electron's memory cage forbids external buffers).
  Napi::Buffer<uint8_t> buf = quality_ > 0 ? Napi::Buffer<uint8_t>::Copy(env, jpeg_.data(), jpeg_.size())
                                           : Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(canvas_.data()), canvas_.size() * 4);
  std::vector<uint8_t>().swap(jpeg_);
  std::vector<uint32_t>().swap(canvas_);
  return buf;
}

bool PreadFully(int fd, int64_t offset, int64_t length, std::vector<uint8_t>* out) {
  try {
    out->resize(static_cast<size_t>(length));
  } catch (const std::bad_alloc&) {
    return false;
  }
  size_t done = 0;
  while (done < out->size()) {
    const ssize_t n = pread(fd, out->data() + done, out->size() - done, static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void FileRangesWorker::Execute() {
  const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Fail("SLIDE_READ_FAILED", "Cannot open " + path_ + ": " + std::strerror(errno));
    return;
  }
  data_.resize(ranges_.size());
  for (size_t i = 0; i < ranges_.size(); i++) {
    if (!PreadFully(fd, ranges_[i].first, ranges_[i].second, &data_[i])) {
      Fail("SLIDE_READ_FAILED", "Short read of " + std::to_string(ranges_[i].second) + " bytes at byte " + std::to_string(ranges_[i].first) + " of " + path_);
      break;
    }
  }
  close(fd);
}

Napi::Value FileRangesWorker::Result(Napi::Env env) {
  Napi::Array out = Napi::Array::New(env, data_.size());
  for (size_t i = 0; i < data_.size(); i++) {
    // Copied into V8 memory (Electron's memory cage forbids external buffers).
    out.Set(static_cast<uint32_t>(i), Napi::Buffer<uint8_t>::Copy(env, data_[i].data(), data_[i].size()));
  }
  std::vector<std::vector<uint8_t>>().swap(data_);
  return out;
}

}  // namespace marrowscope
