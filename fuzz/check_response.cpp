// What a checked server answers, through the probes that judge it: byte 0 of the input picks one
// of the probes below (HTTP with each kind of expect, tcp-check, redis-check), byte 1 the size of
// the reads the answer arrives in, the rest is the answer, fed through the ProbeRun contract of
// healthcheck/probe.hpp until the verdict (the peer closes once the answer is used up). The HTTP
// response parser also reads the whole answer directly. A probe still waiting after the peer
// closed (or with a full buffer) would hold a check until its timeout: that aborts too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "healthcheck/http_response.hpp"
#include "healthcheck/probe.hpp"

namespace {

using namespace ferry;
using Kind = healthcheck::ProbeAction::Kind;
constexpr size_t kBuffer = healthcheck::kCheckBufferSize;

// The `backend` sections' check lines; each becomes one probe.
const char* const kProbes[] = {
    "option httpchk",
    "option httpchk GET /health HTTP/1.1\n http-check send hdr Host example.com\n"
    " http-check expect status 200",
    "option httpchk HEAD /\n http-check expect ! rstatus ^5",
    "option httpchk\n http-check expect string OK",
    "option httpchk\n http-check expect rstatus ^2[0-9]{2}$",
    "option httpchk\n http-check expect ! string down",
    "option tcp-check\n tcp-check send PING\\r\\n\n tcp-check expect string +PONG\n"
    " tcp-check send INFO\\r\\n\n tcp-check expect rstring role:(master|slave)",
    "option tcp-check\n tcp-check send-binary 0001\n tcp-check expect binary 0a0b\n"
    " tcp-check expect ! string ERR",
    "option redis-check",
    "option tcp-check\n tcp-check send STATUS\\r\\n\n tcp-check expect rstring ^OK.*(done|ready)$",
};
constexpr size_t kProbeCount = sizeof(kProbes) / sizeof(kProbes[0]);

std::vector<std::unique_ptr<healthcheck::Probe>> compile_all() {
  std::vector<std::unique_ptr<healthcheck::Probe>> out;
  for (const char* lines : kProbes) {
    const std::string text = std::string("backend b\n ") + lines +
                             "\n timeout connect 1s\n timeout server 1s\n"
                             " server s /s.sock check\n";
    const conf::LoadResult r = conf::load_string("probe.cfg", text);
    healthcheck::ProbeBuild build = healthcheck::compile_probe(r.config.proxies.at(0).probe);
    if (!r.ok() || !build.probe) {
      for (const auto& d : r.diagnostics)
        std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "fuzz probe does not compile: %s\n%s\n", build.error.c_str(), lines);
      std::abort();
    }
    out.push_back(std::move(build.probe));
  }
  return out;
}

// Runs one check whose server answers `answer` in reads of `step` bytes, then closes.
void run_check(const healthcheck::Probe& probe, std::string_view answer, size_t step) {
  auto run = probe.start_run();
  healthcheck::ProbeAction action = run->start();
  std::string received;
  while (action.kind != Kind::Finish) {
    if (action.kind == Kind::Receive) {
      const size_t n = std::min({step, answer.size(), kBuffer - received.size()});
      received.append(answer.substr(0, n));
      answer.remove_prefix(n);
      const bool closed = answer.empty();
      action = run->received(received, closed);
      // As check_task.cpp: a closed peer or a full buffer is conclusive; waiting for more
      // after it would hold the check until its timeout.
      if ((closed || received.size() == kBuffer) && action.kind == Kind::Receive) std::abort();
      continue;
    }
    if (action.kind == Kind::Send) received.clear();
    action = run->done();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto probes = compile_all();
  if (size < 2) return 0;
  const std::string_view answer(reinterpret_cast<const char*>(data) + 2, size - 2);
  run_check(*probes[data[0] % kProbeCount], answer, 1 + data[1]);
  for (const bool head : {false, true}) {
    healthcheck::HttpResponseHead parsed;
    if (healthcheck::parse_http_head(answer, head, parsed) == healthcheck::HttpParse::Complete)
      (void)healthcheck::http_body(answer, parsed, data[1] & 1);
  }
  return 0;
}
