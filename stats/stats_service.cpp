#include "stats/stats_service.hpp"

#include <sys/random.h>

#include <cstdio>

#include "stats/commands.hpp"
#include "stats/page_request.hpp"
#include "stats/prometheus.hpp"
#include "stats/stat_output.hpp"
#include "stats/stats_page.hpp"

namespace ferry::stats {

namespace {

using HttpReply = core::LocalReply;

std::string_view query_of(std::string_view target) {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

HttpReply text_reply(int status, std::string body) {
  HttpReply r;
  r.status = status;
  r.headers = {{"content-type", "text/plain"}, {"cache-control", "no-cache"}};
  r.body = std::move(body);
  return r;
}

std::string random_token() {
  unsigned char bytes[16] = {};
  size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  std::string hex;
  char two[3];
  for (unsigned char b : bytes) {
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

// Compares without stopping at the first difference (the token is a secret).
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned>(a[i] ^ b[i]);
  return diff == 0;
}

// A form posted from another site: its Origin is not this host, or the browser says so.
bool cross_site(const core::LocalRequest& r) {
  const std::string_view site = r.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none") return true;
  const std::string_view origin = r.header("origin");
  if (origin.empty()) return false;
  const std::string_view host = r.header("host");
  return origin != "http://" + std::string(host) && origin != "https://" + std::string(host);
}

// What a `;st=` outcome says on top of the page.
std::pair<std::string, bool> outcome(std::string_view st) {
  if (st == "DONE") return {"Action processed successfully.", true};
  if (st == "PART") return {"Action not processed for every server (see the log).", false};
  if (st == "NONE") return {"Nothing to do: no server selected.", true};
  if (st == "ERRP") return {"Action not processed: invalid parameters.", false};
  if (st == "DENY") return {"Action denied.", false};
  return {"", true};
}

}  // namespace

StatsService::StatsService(core::Engine& engine, ProcessInfo process,
                           const conf::StatsPageConf& page, std::string frontend)
    : engine_(engine),
      process_(std::move(process)),
      page_(page),
      frontend_(std::move(frontend)),
      token_(random_token()) {}

HttpReply StatsService::answer(const core::LocalRequest& request) {
  if (request.kind == core::LocalRequest::Kind::Metrics) return metrics(request);
  return page(request);
}

HttpReply StatsService::metrics(const core::LocalRequest& request) {
  MetricsRequest req;
  if (std::string err =
          parse_metrics_request(query_of(request.target), request.header("accept"), req);
      !err.empty())
    return text_reply(400, err + "\n");
  HttpReply r;
  r.headers = {{"content-type", std::string(metrics_content_type(req.openmetrics))},
               {"cache-control", "no-cache"}};
  auto lk = engine_.lock_state();
  r.body = render_metrics(engine_, process_, req);
  return r;
}

std::optional<std::string> StatsService::authorized(const core::LocalRequest& request) const {
  if (page_.auth.empty()) return std::string();
  const auto given = basic_credentials(request.header("authorization"));
  if (!given) return std::nullopt;
  for (const std::string& a : page_.auth)
    if (same_secret(a, *given)) return a.substr(0, a.find(':'));
  return std::nullopt;
}

HttpReply StatsService::page(const core::LocalRequest& request) {
  const auto user = authorized(request);
  if (!user) {
    HttpReply r = text_reply(401, "401 Unauthorized: this page needs a user and password.\n");
    r.headers.emplace_back("www-authenticate", "Basic realm=\"" + page_.realm + "\"");
    return r;
  }
  if (request.method == "POST") {
    if (!request.admin) return text_reply(403, "403 Forbidden: 'stats admin' does not allow it.\n");
    return action(request);
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpReply r = text_reply(405, "405 Method Not Allowed\n");
    r.headers.emplace_back("allow", "GET, HEAD, POST");
    return r;
  }
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  const PageRequestOptions opt = parse_page_options(path.substr(page_.uri.size()));
  HttpReply r;
  r.headers = {{"cache-control", "no-cache"}};
  auto lk = engine_.lock_state();
  if (opt.csv || opt.json) {
    StatRequest req;
    req.format = opt.json ? StatFormat::Json : StatFormat::Csv;
    req.up = opt.up;
    r.headers.emplace_back("content-type", opt.json ? "application/json" : "text/plain");
    r.body = render_stat(engine_, req);
    return r;
  }
  PageOptions po;
  po.conf = &page_;
  po.base = page_.uri;
  po.refresh = !opt.norefresh;
  po.hide_down = opt.up;
  po.admin = request.admin;
  po.token = token_;
  std::tie(po.notice, po.notice_ok) = outcome(opt.st);
  r.headers.emplace_back("content-type", "text/html; charset=utf-8");
  if (page_.refresh && po.refresh)
    r.headers.emplace_back("refresh",
                           std::to_string(std::max<int64_t>(1, page_.refresh->count() / 1000)));
  r.body = render_stats_page(engine_, process_, po);
  return r;
}

HttpReply StatsService::action(const core::LocalRequest& request) {
  auto redirect = [&](std::string_view st) {
    HttpReply r;
    r.status = 303;
    r.headers = {{"location", page_.uri + ";st=" + std::string(st)}, {"cache-control", "no-cache"}};
    return r;
  };
  const auto form = request.header("content-type").starts_with("application/x-www-form-urlencoded")
                        ? parse_form(request.body)
                        : std::nullopt;
  if (!form) return redirect("ERRP");
  std::string backend, token, act, weight;
  std::vector<std::string> servers;
  for (const auto& [k, v] : *form) {
    if (k == "b") backend = v;
    if (k == "token") token = v;
    if (k == "action") act = v;
    if (k == "w") weight = v;
    if (k == "s") servers.push_back(v);
  }
  if (cross_site(request) || !same_secret(token, token_)) return redirect("DENY");
  if (act != "ready" && act != "drain" && act != "maint" && act != "weight")
    return redirect("ERRP");
  if (act == "weight" && weight.empty()) return redirect("ERRP");
  if (servers.empty()) return redirect("NONE");
  size_t failed = 0;
  const std::string user = *authorized(request);
  for (const std::string& s : servers) {
    std::vector<std::string> words{"set", "server", backend + "/" + s};
    if (act == "weight")
      words.insert(words.end(), {"weight", weight});
    else
      words.insert(words.end(), {"state", act});
    failed += run(words, request, user).empty() ? 0 : 1;
  }
  return redirect(failed == 0 ? "DONE" : failed < servers.size() ? "PART" : "ERRP");
}

std::string StatsService::run(const std::vector<std::string>& words,
                              const core::LocalRequest& request, const std::string& user) {
  CliSession session;
  session.bind_level = session.level = conf::Level::Admin;
  CliContext ctx{engine_, process_, {}};
  const stats::Reply reply = run_command(words, session, ctx);
  std::string first = reply.text.substr(0, reply.text.find('\n'));
  for (char& c : first)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  engine_.log.notice("audit: stats page of frontend '" + frontend_ +
                     "': " + request.peer->to_string() + (user.empty() ? "" : " user " + user) +
                     " level admin: '" + join_words(words) + "' -> '" + first + "'");
  return reply.severity == Severity::Error ? (first.empty() ? "error" : first) : "";
}

}  // namespace ferry::stats
