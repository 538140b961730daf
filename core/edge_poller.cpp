#include "core/edge_poller.hpp"

#include <cerrno>
#include <system_error>

namespace ferry::core {

namespace {
uint32_t interest(bool out) {
  return EPOLLIN | EPOLLRDHUP | EPOLLPRI | EPOLLET | (out ? EPOLLOUT : 0u);
}
}  // namespace

EdgePoller::EdgePoller(EventLoop& loop) : epfd_(::epoll_create1(EPOLL_CLOEXEC)), io_(loop, this) {
  if (!epfd_) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  // Socket events of established sessions go before the acceptors in a loop iteration: a session
  // that ended in the same iteration as a new connection arrived has released its server by the
  // time the new one picks one (`balance first`, leastconn and maxconn see what HAProxy sees).
  // Resumed sessions and hand-offs (timer, async) keep the default priority.
  io_.set_priority(EV_MAXPRI);
  io_.watch(epfd_.get(), EV_READ);
}

int EdgePoller::control(int op, Entry& entry, int fd, bool out) {
  entry.fd = fd;
  entry.out = out;
  epoll_event ev{};
  ev.events = interest(out);
  ev.data.ptr = &entry;
  return ::epoll_ctl(epfd_.get(), op, fd, &ev) == 0 ? 0 : errno;
}

int EdgePoller::add(Entry& entry, int fd, bool out) {
  return control(EPOLL_CTL_ADD, entry, fd, out);
}

int EdgePoller::rebind(Entry& entry, int fd) {
  return control(EPOLL_CTL_MOD, entry, fd, true);
}

void EdgePoller::want_output(Entry& entry) {
  if (entry.out || entry.fd < 0) return;
  // Cannot fail for a registered fd short of a kernel bug; if it did, the write would wait for
  // the session's timeout, as a peer that never reads would make it.
  control(EPOLL_CTL_MOD, entry, entry.fd, true);
}

void EdgePoller::on_ready(int) {
  epoll_event events[kBatch];
  const int n = ::epoll_wait(epfd_.get(), events, kBatch, 0);
  for (int i = 0; i < n; ++i) {
    const uint32_t e = events[i].events;
    const bool failed = e & (EPOLLERR | EPOLLHUP);
    const bool drain = failed || (e & (EPOLLRDHUP | EPOLLPRI));
    const int revents = ((e & EPOLLIN) || drain ? kInput : 0) |
                        ((e & EPOLLOUT) || failed ? kOutput : 0) | (drain ? kDrainFully : 0);
    auto* entry = static_cast<Entry*>(events[i].data.ptr);
    entry->fn(entry->owner, revents);
  }
}

}  // namespace ferry::core
