#include "SlideState.h"

namespace marrowscope {

std::atomic<int64_t> SlideState::live_{0};

SlideState::SlideState(openslide_t* osr) : osr_(osr) { live_++; }

SlideState::~SlideState() {
  // Reached when the JS wrapper was garbage-collected without close() and no read holds a reference.
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  FreeLocked();
}

bool SlideState::Acquire() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return false;
  inflight_++;
  return true;
}

void SlideState::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  inflight_--;
  if (closed_ && inflight_ == 0) FreeLocked();
}

void SlideState::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  // Deferred close: reads already running keep the handle until they finish; none blocks the JS thread.
  if (inflight_ == 0) FreeLocked();
}

bool SlideState::IsClosed() {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

int64_t SlideState::LiveHandles() { return live_.load(); }

void SlideState::FreeLocked() {
  if (osr_ == nullptr) return;
  openslide_close(osr_);
  osr_ = nullptr;
  live_--;
}

}  // namespace marrowscope
