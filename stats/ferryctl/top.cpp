#include "stats/ferryctl/top.hpp"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <iostream>

#include "stats/ctl_reply.hpp"

namespace ferry::ctl {

namespace {

volatile sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

// The terminal in the state `top` needs (keys unbuffered and not echoed, the alternate screen,
// no cursor) for as long as it lives; a terminal it is not given is left alone.
class Screen {
 public:
  Screen() : tty_(::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) {
    if (!tty_ || ::tcgetattr(STDIN_FILENO, &saved_) != 0) {
      tty_ = false;
      return;
    }
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    std::cout << "\x1b[?1049h\x1b[?25l" << std::flush;
  }
  ~Screen() {
    if (!tty_) return;
    std::cout << "\x1b[?25h\x1b[?1049l" << std::flush;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  void draw(const std::string& frame) {
    std::cout << (tty_ ? "\x1b[H\x1b[2J" : "\n") << frame << std::flush;
  }

 private:
  bool tty_;
  termios saved_{};
};

std::string title(const std::string& where, std::chrono::milliseconds interval) {
  char now[32] = {};
  const std::time_t t = std::time(nullptr);
  std::strftime(now, sizeof now, "%H:%M:%S", std::localtime(&t));
  return "ferryctl top: " + where + " at " + now + ", every " +
         std::to_string(interval.count() / 1000.0).substr(0, 4) + " s (q quits)";
}

// Waits up to `interval` for a key; true when it is time to stop.
bool wait_for_key(std::chrono::milliseconds interval) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  const int n = ::poll(&p, 1, static_cast<int>(interval.count()));
  if (n < 0) return errno != EINTR || g_stop;
  if (n == 0) return false;
  char c = 0;
  const ssize_t got = ::read(STDIN_FILENO, &c, 1);
  return got <= 0 || c == 'q' || c == 'Q';
}

}  // namespace

int run_top(const FetchStat& fetch, const std::string& where, std::chrono::milliseconds interval) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns at once
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  Screen screen;
  while (!g_stop) {
    std::string text;
    const bool ok = fetch(text);
    const std::string head = title(where, interval);
    screen.draw(ok ? stats::top_view(text, head) : head + "\n\n" + text);
    if (wait_for_key(interval)) break;
  }
  return 0;
}

}  // namespace ferry::ctl
