#include "tests/soak/traffic.hpp"

#include <random>

#include "tests/support/client_conn.hpp"

namespace ferry::test::soak {

namespace {

// Sizes as a service sees them: mostly small exchanges, some of a few MiB, a few large ones.
uint64_t stream_size(std::mt19937_64& rng, uint64_t large) {
  const auto between = [&](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  const uint64_t kind = rng() % 1000;
  if (kind < 800) return between(0, 64 * 1024);
  if (kind < 990 || large <= 4 * 1024 * 1024) return between(64 * 1024, 4 * 1024 * 1024);
  return between(4 * 1024 * 1024, large);
}

}  // namespace

Traffic::Traffic(Options options) : options_(std::move(options)) {
  for (unsigned i = 0; i < options_.threads; ++i)
    threads_.emplace_back([this, i] { run(i); });
}

Traffic::~Traffic() {
  stop();
}

void Traffic::stop() {
  stop_ = true;
  for (auto& t : threads_)
    t.join();
  threads_.clear();
}

std::vector<ClientRecord> Traffic::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void Traffic::run(unsigned index) {
  std::mt19937_64 rng(index + 1);
  for (uint64_t n = 0; !stop_; ++n) {
    Preamble p;
    p.up = stream_size(rng, options_.large);
    p.down = stream_size(rng, options_.large);
    p.seed = (static_cast<uint64_t>(index + 1) << 40) | n;
    ClientRecord r = one_connection(p, (n + index) % 2 == 0);
    ++connections_;
    std::lock_guard lock(mutex_);
    records_.push_back(r);
  }
}

ClientRecord Traffic::one_connection(const Preamble& p, bool tcp) const {
  ClientRecord r;
  r.preamble = p;
  r.start = Clock::now();
  ClientConn conn =
      tcp ? ClientConn::tcp(options_.port, 5s) : ClientConn::unix_socket(options_.unix_path, 5s);
  const std::string_view bytes(reinterpret_cast<const char*>(&p), sizeof p);
  r.connected = conn.ok() && conn.send_all(bytes, Deadline(5s));
  if (r.connected) r.result = exchange_bulk(conn.fd(), p.up, p.seed, Deadline(120s));
  conn.close();
  r.end = Clock::now();
  return r;
}

}  // namespace ferry::test::soak
