// idle: --conns connections, at most --concurrency connecting at once, each pinged once through
// the echo server (so the proxy has connected it to the backend and relayed both ways), then all
// held silent for --hold seconds. The proxy's RSS is read before the first connect and at the end
// of the hold; the difference divided by the connections held is the memory per idle connection.
#include <algorithm>
#include <memory>
#include <vector>

#include "bench/exchange_conn.hpp"
#include "bench/generator_run.hpp"

namespace ferry::bench {

namespace {

class IdleScenario final : public Scenario, public ExchangeOwner {
 public:
  explicit IdleScenario(Run& run) : run_(run), hold_(run.loop, this) {}

  void start() override {
    for (unsigned i = 0; i < run_.opt.conns; ++i)
      conns_.push_back(std::make_unique<ExchangeConn>(run_, *this, AfterReply::Hold, i));
    rss_before_kib_ = process_rss_kib(run_.opt.proxy_pid);
    run_.open_window();
    const size_t first = std::min<size_t>(run_.opt.concurrency, conns_.size());
    while (opened_ < first)
      conns_[opened_++]->open();
  }

  void report(JsonLine& out) const override {
    const int64_t grown = rss_held_kib_ - rss_before_kib_;
    const bool known = rss_before_kib_ >= 0 && rss_held_kib_ >= 0 && held_ > 0;
    out.add("held", static_cast<uint64_t>(held_))
        .add("connect_seconds", connect_seconds_)
        .add("proxy_rss_before_kib", rss_before_kib_)
        .add("proxy_rss_held_kib", rss_held_kib_)
        .add("proxy_rss_bytes_per_conn",
             known ? static_cast<double>(grown) * 1024.0 / static_cast<double>(held_) : -1.0);
  }

 private:
  bool reserve_request() override { return true; }

  void replied(ExchangeConn&, uint64_t started_ns) override {
    run_.latency.record(now_ns() - started_ns);
    ++held_;
    settled();
  }

  void finished(ExchangeConn& conn, bool failed) override {
    if (failed && !holding_) {  // counts as settled once: a held one that fails is held no more
      if (conn.replies() > 0) --held_;
      ++settled_failed_;
      if (conn.replies() == 0) settled();
    }
    if (++closed_ == conns_.size()) {
      run_.close_window();
      run_.finish();
    }
  }

  // One more connection is held or has failed: start the next, or begin holding when all are.
  void settled() {
    if (opened_ < conns_.size()) return conns_[opened_++]->open();
    if (held_ + settled_failed_ < conns_.size() || holding_) return;
    holding_ = true;
    connect_seconds_ = static_cast<double>(now_ns() - run_.window_start_ns()) / 1e9;
    hold_.start(core::Millis(static_cast<int64_t>(run_.opt.hold_s * 1000)));
  }

  void on_hold_done() {
    rss_held_kib_ = process_rss_kib(run_.opt.proxy_pid);
    held_ = static_cast<size_t>(
        std::count_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->holding(); }));
    for (auto& c : conns_)
      c->close_now();
  }

  Run& run_;
  core::TimerWatcher<IdleScenario, &IdleScenario::on_hold_done> hold_;
  std::vector<std::unique_ptr<ExchangeConn>> conns_;
  size_t opened_ = 0;
  size_t held_ = 0;
  size_t settled_failed_ = 0;
  size_t closed_ = 0;
  bool holding_ = false;
  int64_t rss_before_kib_ = -1;
  int64_t rss_held_kib_ = -1;
  double connect_seconds_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_idle_scenario(Run& run) {
  return std::make_unique<IdleScenario>(run);
}

}  // namespace ferry::bench
