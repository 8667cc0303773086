// One open OpenSlide handle shared by the JS wrapper and the reads in flight on worker threads.
#pragma once
#include <openslide.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace marrowscope {

class SlideState {
 public:
  explicit SlideState(openslide_t* osr);
  ~SlideState();
  SlideState(const SlideState&) = delete;
  SlideState& operator=(const SlideState&) = delete;

  // Registers a read about to be queued; false when the slide is already closed (main thread).
  bool Acquire();
  // Ends a read registered by Acquire; the last one after Close frees the OpenSlide handle.
  void Release();
  // Marks the slide closed; frees the handle now, or when the last read in flight releases it.
  void Close();
  // True once Close was called.
  bool IsClosed();
  // The OpenSlide handle: valid between a successful Acquire and its Release, or on the main thread before Close.
  openslide_t* Handle() const { return osr_; }

  // How many OpenSlide handles are open in this process (leak checks in tests).
  static int64_t LiveHandles();

 private:
  void FreeLocked();

  std::mutex mutex_;
  openslide_t* osr_;
  int inflight_ = 0;
  bool closed_ = false;
  static std::atomic<int64_t> live_;
};

using SlideRef = std::shared_ptr<SlideState>;

}  // namespace marrowscope
