// Promise-returning AsyncWorkers: every OpenSlide call that may touch the disk runs on a libuv worker thread.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "SlideState.h"
#include "jpeg.h"

namespace marrowscope {

// A JS Error with a `code` property the TypeScript facade maps to AppError.
Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message);

// Wraps a SlideRef in a type-tagged External so JS cannot pass a foreign object back in.
Napi::Value WrapSlide(Napi::Env env, SlideRef slide);
// The SlideRef inside a value made by WrapSlide; throws VALIDATION_FAILED for anything else.
SlideRef UnwrapSlide(Napi::Env env, const Napi::Value& value);

// Base: resolves with Result() or rejects with a coded error set by Fail() in Execute.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Fail(const char* code, std::string message) {
    code_ = code;
    message_ = std::move(message);
  }
  bool Failed() const { return code_ != nullptr; }
  virtual Napi::Value Result(Napi::Env env) = 0;
  void OnOK() override;
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  const char* code_ = nullptr;
  std::string message_;
};

// openslide_open plus every metadata call, so the JS thread never waits on the file.
class OpenWorker : public PromiseWorker {
 public:
  OpenWorker(Napi::Env env, std::string path) : PromiseWorker(env), path_(std::move(path)) {}
  void Execute() override;

 protected:
  Napi::Value Result(Napi::Env env) override;

 private:
  struct Level {
    int64_t width, height;
    double downsample;
  };
  struct Associated {
    std::string name;
    int64_t width, height;
  };
  std::string path_;
  std::string vendor_;
  SlideRef slide_;
  std::vector<Level> levels_;
  std::vector<std::pair<std::string, std::string>> properties_;
  std::vector<Associated> associated_;
};

// Base for reads on an open slide: holds the slide (Acquire'd) until the read is done.
class SlideReadWorker : public PromiseWorker {
 public:
  SlideReadWorker(Napi::Env env, SlideRef slide) : PromiseWorker(env), slide_(std::move(slide)) {}
  ~SlideReadWorker() override { ReleaseOnce(); }
  void Execute() override;

 protected:
  // The read itself; runs only while the slide is open and has no latched error.
  virtual void Read(openslide_t* osr) = 0;
  // Allocates width*height pixels, or Fail()s when memory is short.
  bool Allocate(int64_t width, int64_t height);
  // Checks OpenSlide's latched error, then converts `count` pixels at `data` to straight RGBA.
  void Finish(openslide_t* osr, uint32_t* data, size_t count);
  // Fail()s with OpenSlide's latched error, if any; true when the read succeeded.
  bool ReadSucceeded(openslide_t* osr);
  Napi::Buffer<uint8_t> CopyPixels(Napi::Env env);

  std::vector<uint32_t> pixels_;

 private:
  void ReleaseOnce();
  SlideRef slide_;
  bool released_ = false;
};

// openslide_read_region straight into a Node Buffer allocated in V8 memory on the JS thread (no
// external buffer, no copy): the worker holds a reference, so the backing store stays put.
class RegionWorker : public SlideReadWorker {
 public:
  RegionWorker(Napi::Env env, SlideRef slide, Napi::Buffer<uint8_t> target, int64_t x, int64_t y, int32_t level, int64_t w, int64_t h)
      : SlideReadWorker(env, std::move(slide)),
        target_(Napi::Persistent(target)),
        dest_(target.Data()),
        x_(x), y_(y), level_(level), w_(w), h_(h) {}

 protected:
  void Read(openslide_t* osr) override;
  Napi::Value Result(Napi::Env) override { return target_.Value(); }

 private:
  Napi::Reference<Napi::Buffer<uint8_t>> target_;
  uint8_t* dest_;
  int64_t x_, y_;
  int32_t level_;
  int64_t w_, h_;
};

// openslide_read_region, then JPEG encoding on the same worker thread: resolves the JPEG bytes.
// A tile needs no straight-RGBA copy in JS and no second trip through an image library.
class RegionJpegWorker : public SlideReadWorker {
 public:
  RegionJpegWorker(Napi::Env env, SlideRef slide, int64_t x, int64_t y, int32_t level, int64_t w, int64_t h, int quality,
                   const uint8_t background[3])
      : SlideReadWorker(env, std::move(slide)), x_(x), y_(y), level_(level), w_(w), h_(h), quality_(quality),
        background_{background[0], background[1], background[2]} {}

 protected:
  void Read(openslide_t* osr) override;
  Napi::Value Result(Napi::Env env) override;

 private:
  int64_t x_, y_;
  int32_t level_;
  int64_t w_, h_;
  int quality_;
  uint8_t background_[3];
  std::vector<uint8_t> jpeg_;
};

// openslide_read_associated_image (label, macro, thumbnail): resolves { width, height, data }.
class AssociatedWorker : public SlideReadWorker {
 public:
  AssociatedWorker(Napi::Env env, SlideRef slide, std::string name)
      : SlideReadWorker(env, std::move(slide)), name_(std::move(name)) {}

 protected:
  void Read(openslide_t* osr) override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::string name_;
  int64_t width_ = 0, height_ = 0;
};

// Decodes rectangles of JPEG tiles onto one canvas (no OpenSlide involved): resolves the canvas as
// straight RGBA, or as a JPEG when `quality` is 1..100 (uncovered pixels over `background`). A piece
// holds its JPEG, or (when `jpeg` is empty) names `length` bytes at `offset` of the file at `path`:
// a stored TIFF tile, read here on the worker thread and decoded after `tables`.
class JpegTilesWorker : public PromiseWorker {
 public:
  struct Piece {
    std::vector<uint8_t> jpeg;
    int64_t offset, length;
    int64_t sx, sy, w, h, dx, dy;
  };
  struct Source {
    std::string path;
    std::vector<uint8_t> tables;
    JpegColour colour;
  };
  JpegTilesWorker(Napi::Env env, Source source, std::vector<Piece> pieces, int64_t width, int64_t height, int quality,
                  const uint8_t background[3])
      : PromiseWorker(env), source_(std::move(source)), pieces_(std::move(pieces)), width_(width), height_(height), quality_(quality),
        background_{background[0], background[1], background[2]} {}
  void Execute() override;

 protected:
  Napi::Value Result(Napi::Env env) override;

 private:
  // Reads the file ranges of the pieces that name one; false (after Fail) when the file cannot give them.
  bool ReadPieces();
  Source source_;
  std::vector<Piece> pieces_;
  int64_t width_, height_;
  int quality_;
  uint8_t background_[3];
  std::vector<uint32_t> canvas_;
  std::vector<uint8_t> jpeg_;
};

// pread of byte ranges of one file (a slide's stored tiles), on the worker thread: one open, no
// JS round trip per syscall. Resolves one Buffer per range; a short read fails the whole call.
class FileRangesWorker : public PromiseWorker {
 public:
  FileRangesWorker(Napi::Env env, std::string path, std::vector<std::pair<int64_t, int64_t>> ranges)
      : PromiseWorker(env), path_(std::move(path)), ranges_(std::move(ranges)) {}
  void Execute() override;

 protected:
  Napi::Value Result(Napi::Env env) override;

 private:
  std::string path_;
  std::vector<std::pair<int64_t, int64_t>> ranges_;
  std::vector<std::vector<uint8_t>> data_;
};

// Reads `length` bytes at `offset` of an open file into `out`; false on a short read or an error.
bool PreadFully(int fd, int64_t offset, int64_t length, std::vector<uint8_t>* out);

// The most pixels one read may allocate (1 GiB of RGBA); the TS facade enforces a smaller limit.
constexpr int64_t kMaxReadPixels = int64_t{1} << 28;

}  // namespace marrowscope
