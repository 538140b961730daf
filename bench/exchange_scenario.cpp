// rr and connrate: --conns connections exchanging messages with an echo server, either on the
// same connection (rr) or on a new connection per exchange (connrate). Bounded by --requests
// (exact count, measured from the first connect) or by --warmup + --duration (then every
// connection finishes the request it has in flight and closes).
#include <memory>
#include <vector>

#include "bench/exchange_conn.hpp"
#include "bench/generator_run.hpp"

namespace ferry::bench {

namespace {

class ExchangeScenario final : public Scenario, public ExchangeOwner {
 public:
  explicit ExchangeScenario(Run& run)
      : run_(run), warmup_(run.loop, this), window_end_(run.loop, this) {}

  void start() override {
    const auto after =
        run_.opt.mode == Mode::ConnectRate ? AfterReply::Reconnect : AfterReply::NextRequest;
    for (unsigned i = 0; i < run_.opt.conns; ++i)
      conns_.push_back(std::make_unique<ExchangeConn>(run_, *this, after, i));
    if (run_.opt.requests > 0) {
      run_.open_window();
    } else {
      warmup_.start(seconds(run_.opt.warmup_s));
    }
    for (auto& c : conns_)
      c->open();
  }

  void report(JsonLine& out) const override {
    const auto& h = run_.latency;
    const double secs = run_.window_seconds();
    const auto reqs = run_.window_requests();
    out.add("requests", reqs)
        .add("rate", secs > 0 ? static_cast<double>(reqs) / secs : 0.0)
        .add("latency_samples", h.count())
        .add("p50_us", h.quantile(0.50) / 1e3)
        .add("p90_us", h.quantile(0.90) / 1e3)
        .add("p99_us", h.quantile(0.99) / 1e3)
        .add("p999_us", h.quantile(0.999) / 1e3)
        .add("max_us", h.max() / 1e3)
        .add("mean_us", h.mean() / 1e3)
        .add("proxy_cpu_us_per_request", reqs > 0 && run_.cpu.proxy_s >= 0
                                             ? run_.cpu.proxy_s * 1e6 / static_cast<double>(reqs)
                                             : -1.0);
  }

 private:
  static core::Millis seconds(double s) { return core::Millis(static_cast<int64_t>(s * 1000)); }

  bool reserve_request() override {
    if (stopping_) return false;
    if (run_.opt.requests == 0) return true;
    if (issued_ == run_.opt.requests) return false;
    ++issued_;
    return true;
  }

  void replied(ExchangeConn&, uint64_t started_ns) override {
    if (run_.window_open() && started_ns >= run_.window_start_ns())
      run_.latency.record(now_ns() - started_ns);
  }

  void finished(ExchangeConn&, bool) override {
    if (++finished_ < conns_.size()) return;
    run_.close_window();  // count mode: the window ends with the last connection
    run_.finish();
  }

  void on_warmup_done() {
    run_.open_window();
    window_end_.start(seconds(run_.opt.duration_s));
  }

  void on_window_end() {
    run_.close_window();
    stopping_ = true;  // connections finish their request in flight, then close
  }

  Run& run_;
  core::TimerWatcher<ExchangeScenario, &ExchangeScenario::on_warmup_done> warmup_;
  core::TimerWatcher<ExchangeScenario, &ExchangeScenario::on_window_end> window_end_;
  std::vector<std::unique_ptr<ExchangeConn>> conns_;
  uint64_t issued_ = 0;
  size_t finished_ = 0;
  bool stopping_ = false;
};

}  // namespace

std::unique_ptr<Scenario> make_exchange_scenario(Run& run) {
  return std::make_unique<ExchangeScenario>(run);
}

}  // namespace ferry::bench
