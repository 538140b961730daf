#include "core/event_loop.hpp"

#include <cstdlib>

namespace ferry::core {

EventLoop::EventLoop()
    : loop_(ev_loop_new(static_cast<unsigned>(EVBACKEND_EPOLL) |
                        static_cast<unsigned>(EVFLAG_NOENV))) {
  if (!loop_) loop_ = ev_loop_new(EVFLAG_AUTO);
  if (!loop_) std::abort();  // no poller at all: nothing can run
}

EventLoop::~EventLoop() {
  ev_loop_destroy(loop_);
}

void EventLoop::run() {
  ev_run(loop_, 0);
}

void EventLoop::stop() {
  ev_break(loop_, EVBREAK_ALL);
}

Millis EventLoop::now() const {
  return Millis(static_cast<int64_t>(ev_now(loop_) * 1000.0));
}

}  // namespace ferry::core
