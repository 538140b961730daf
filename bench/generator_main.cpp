// ferry-bench: the load generator. One libev loop on one thread, one scenario per run, one JSON
// result line on stdout. Exit status 0 when the run had no error, 1 otherwise, 2 on bad usage.
#include <csignal>
#include <cstdio>
#include <memory>

#include "bench/generator_options.hpp"
#include "bench/generator_run.hpp"

using namespace ferry;
using namespace ferry::bench;

namespace {

// Ends a run that overstays --timeout: counted as an error, reported with what was done so far.
class Watchdog {
 public:
  Watchdog(Run& run) : run_(run), timer_(run.loop, this) {
    timer_.start(core::Millis(static_cast<int64_t>(run.opt.effective_timeout() * 1000)));
  }

 private:
  void expired() {
    run_.error("timed out (--timeout)");
    run_.close_window();
    run_.finish();
  }
  Run& run_;
  core::TimerWatcher<Watchdog, &Watchdog::expired> timer_;
};

std::unique_ptr<Scenario> make_scenario(Run& run) {
  switch (run.opt.mode) {
    case Mode::Bulk:
      return make_bulk_scenario(run);
    case Mode::Idle:
      return make_idle_scenario(run);
    default:
      return make_exchange_scenario(run);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const ParsedOptions parsed = parse_generator_options(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.message.c_str(), parsed.help ? stdout : stderr);
    return parsed.help ? 0 : 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const unsigned long fd_limit = raise_fd_limit();
  core::EventLoop loop;
  Run run(loop, *parsed.options);
  auto scenario = make_scenario(run);
  {
    Watchdog watchdog(run);
    scenario->start();
    if (!run.finished()) loop.run();
  }
  JsonLine out;
  run.report(out);
  scenario->report(out);
  out.add("fd_limit", static_cast<uint64_t>(fd_limit));
  std::printf("%s\n", out.str().c_str());
  return run.tally.errors == 0 ? 0 : 1;
}
