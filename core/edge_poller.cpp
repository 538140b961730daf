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
  if (fd < 0) return EBADF;
  if (static_cast<size_t>(fd) >= fds_.size()) fds_.resize(static_cast<size_t>(fd) + 1);
  Registration& reg = fds_[static_cast<size_t>(fd)];
  if (op == EPOLL_CTL_ADD) ++reg.number;
  reg.entry = &entry;
  reg.out = out;
  entry.fd = fd;
  entry.out = out;
  epoll_event ev{};
  ev.events = interest(out);
  ev.data.u64 = static_cast<uint32_t>(fd) | static_cast<uint64_t>(reg.number) << 32;
  if (::epoll_ctl(epfd_.get(), op, fd, &ev) == 0) return 0;
  const int err = errno;
  if (op == EPOLL_CTL_ADD) reg.entry = nullptr;
  return err;
}

int EdgePoller::add(Entry& entry, int fd, bool out) {
  return control(EPOLL_CTL_ADD, entry, fd, out);
}

int EdgePoller::rebind(Entry& entry, int fd) {
  if (fd < 0 || static_cast<size_t>(fd) >= fds_.size() || !fds_[static_cast<size_t>(fd)].entry)
    return EBADF;
  Registration& reg = fds_[static_cast<size_t>(fd)];
  entry.fd = fd;
  entry.out = reg.out;  // the interest registered stays as it was
  reg.entry = &entry;
  return 0;
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
    const auto fd = static_cast<uint32_t>(events[i].data.u64);
    const auto number = static_cast<uint32_t>(events[i].data.u64 >> 32);
    // Of an fd closed and registered again since this batch was collected: not the new one's.
    if (fd >= fds_.size() || fds_[fd].number != number || !fds_[fd].entry) continue;
    Entry* entry = fds_[fd].entry;
    entry->fn(entry->owner, revents);
  }
}

}  // namespace ferry::core
