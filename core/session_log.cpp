// The tcplog line of a session, in HAProxy's TCP log format:
//   client:port [accept date] frontend backend/server Tw/Tc/Tt bytes_read termination_state
//   actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue   (all on one line)
#include <sys/time.h>

#include <cstdio>
#include <ctime>

#include "core/frontend.hpp"
#include "core/session.hpp"

namespace ferry::core {

namespace {

std::string accept_date(int64_t wall_us) {
  const time_t secs = static_cast<time_t>(wall_us / 1000000);
  struct tm tm {};
  ::localtime_r(&secs, &tm);
  char buf[64];
  const size_t n = ::strftime(buf, sizeof(buf), "%d/%b/%Y:%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03d", static_cast<int>((wall_us / 1000) % 1000));
  return buf;
}

std::string client_text(const SockAddr& peer) {
  if (peer.is_unix()) return "unix:1";
  std::string s = peer.to_string();
  if (s.size() > 2 && s[0] == '[') {  // "[::1]:port" is logged as "::1:port"
    const auto close = s.find(']');
    s = s.substr(1, close - 1) + s.substr(close + 1);
  }
  return s;
}

int64_t span(Millis from, Millis to) {
  return from.count() < 0 || to.count() < 0 ? -1 : (to - from).count();
}

}  // namespace

Session::Timings Session::timings() const {
  const Millis now = worker_.loop.now();
  // Tw: the time in the queue, up to the connect, or up to now for a session that never left
  // it (`timeout queue`: HAProxy logs the wait, not -1); 0 without a queue, and -1 for a
  // session that never reached a server or the queue (<NOSRV>), as HAProxy.
  // (A connect before the queue, then a redispatch into it, is not the end of the wait.)
  const Millis left_queue = connect_started_ < queued_at_ ? now : connect_started_;
  const int64_t tw = queued_at_.count() >= 0        ? span(queued_at_, left_queue)
                     : connect_started_.count() < 0 ? -1
                                                    : 0;
  return Timings{tw, span(connect_started_, connected_at_), (now - accepted_at_).count()};
}

void Session::record_times() {
  if (!server_ || connected_at_.count() < 0) return;
  const Timings t = timings();
  server_->counters.times.add(t.tw, t.tc, t.tt);
  backend_.counters.times.add(t.tw, t.tc, t.tt);
}

std::string Session::embryonic_log_line(const char* why) const {
  // HAProxy names the listener by its number in the frontend when it has no name.
  std::string bind = listener_.name;
  for (size_t i = 0; bind.empty() && i < frontend_.listeners.size(); ++i)
    if (frontend_.listeners[i].get() == &listener_) bind = std::to_string(i + 1);
  return client_text(peer_) + " [" + accept_date(accept_wall_us_) + "] " + frontend_.name + "/" +
         bind + ": " + why;
}

std::string Session::log_line() const {
  if (frontend_.settings.dontlognull && bytes_in_ == 0 && bytes_out_ == 0) return {};
  const Timings t = timings();
  char line[1024];
  std::snprintf(
      line, sizeof(line), "%s [%s] %s %s/%s %lld/%lld/%lld %llu %c%c %u/%u/%u/%u/%s%d %u/%u",
      client_text(peer_).c_str(), accept_date(accept_wall_us_).c_str(), frontend_.name.c_str(),
      backend_.name.c_str(), server_ ? server_->name.c_str() : "<NOSRV>",
      static_cast<long long>(t.tw), static_cast<long long>(t.tc), static_cast<long long>(t.tt),
      static_cast<unsigned long long>(bytes_out_), term_[0], term_[1], engine_.actconn,
      frontend_.feconn, backend_.beconn, server_ ? server_->served - 1 : 0,
      redispatched_ ? "+" : "", retries_done_, 0u,  // ferry queues in the backend only
      queue_pos_);
  return line;
}

}  // namespace ferry::core
