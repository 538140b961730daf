// The statistics page keywords of a proxy (`stats enable`, `stats uri`, ...) and
// `http-request use-service prometheus-exporter`. Any other `stats` word of a proxy falls to the
// row of keywords_unsupported.cpp, which lists these.
#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kPage = kDefaults | kFrontend | kListen;

// Every stats keyword turns the page on (HAProxy: any of them implies `stats enable`).
StatsPageConf& page(ParseContext& ctx, const Call& call) {
  StatsPageConf& p = ctx.proxy().stats;
  if (!p.enabled) p.pos = call.pos();
  p.enabled = true;
  return p;
}

void enable(ParseContext& ctx, const Call& call) {
  page(ctx, call);
}

void uri(ParseContext& ctx, const Call& call) {
  if (call.args[0].empty() || call.args[0][0] != '/')
    return fail(ctx, call, "'stats uri " + call.args[0] + "': the URI must begin with '/'");
  page(ctx, call).uri = call.args[0];
}

void realm(ParseContext& ctx, const Call& call) {
  std::string r;
  for (const std::string& w : call.args)
    r += (r.empty() ? "" : " ") + w;
  page(ctx, call).realm = r;
}

void auth(ParseContext& ctx, const Call& call) {
  const std::string& a = call.args[0];
  const size_t colon = a.find(':');
  if (colon == std::string::npos || colon == 0)
    return fail(ctx, call, "'stats auth " + a + "': write it as <user>:<password>");
  page(ctx, call).auth.push_back(a);
}

void refresh(ParseContext& ctx, const Call& call) {
  Millis d{};
  if (duration_arg(ctx, call, 0, d)) page(ctx, call).refresh = d;
}

void hide_version(ParseContext& ctx, const Call& call) {
  page(ctx, call).hide_version = true;
}

void show_legends(ParseContext& ctx, const Call& call) {
  page(ctx, call).show_legends = true;
}

void show_node(ParseContext& ctx, const Call& call) {
  page(ctx, call).show_node = call.args.empty() ? std::string() : call.args[0];
}

void admin(ParseContext& ctx, const Call& call) {
  StatsPageConf& p = page(ctx, call);
  if (call.args.empty())
    return fail(ctx, call, "'stats admin' takes a condition: 'stats admin if <condition>'");
  if (condition_arg(ctx, call, 0, p.admin_if)) p.admin = true;
}

// http-request use-service prometheus-exporter [if|unless <condition>]
void use_service(ParseContext& ctx, const Call& call) {
  if (call.args[0] != "prometheus-exporter")
    return fail(
        ctx, call,
        "unknown service '" + call.args[0] + "'; ferry's only service is 'prometheus-exporter'");
  PrometheusServiceConf& p = ctx.proxy().prometheus;
  if (call.args.size() > 1 && !condition_arg(ctx, call, 1, p.when)) return;
  p.enabled = true;
  p.pos = call.pos();
}

constexpr Keyword kTable[] = {
    {.name = "stats enable",
     .sections = kPage,
     .handler = enable,
     .usage = "stats enable",
     .misplaced = Misplaced::Error},
    {.name = "stats uri",
     .sections = kPage,
     .handler = uri,
     .usage = "stats uri <prefix>",
     .min_args = 1,
     .max_args = 1,
     .misplaced = Misplaced::Error},
    {.name = "stats realm",
     .sections = kPage,
     .handler = realm,
     .usage = "stats realm <realm>",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "stats auth",
     .sections = kPage,
     .handler = auth,
     .usage = "stats auth <user>:<password>",
     .min_args = 1,
     .max_args = 1,
     .misplaced = Misplaced::Error},
    {.name = "stats refresh",
     .sections = kPage,
     .handler = refresh,
     .usage = "stats refresh <delay>",
     .min_args = 1,
     .max_args = 1,
     .misplaced = Misplaced::Error},
    {.name = "stats hide-version",
     .sections = kPage,
     .handler = hide_version,
     .usage = "stats hide-version",
     .misplaced = Misplaced::Error},
    {.name = "stats show-legends",
     .sections = kPage,
     .handler = show_legends,
     .usage = "stats show-legends",
     .misplaced = Misplaced::Error},
    {.name = "stats show-node",
     .sections = kPage,
     .handler = show_node,
     .usage = "stats show-node [<name>]",
     .max_args = 1,
     .misplaced = Misplaced::Error},
    {.name = "stats admin",
     .sections = kPage,
     .handler = admin,
     .usage = "stats admin if|unless <condition>",
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "http-request use-service",
     .sections = kFrontend | kListen,
     .handler = use_service,
     .usage = "http-request use-service prometheus-exporter",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
};

}  // namespace

std::span<const Keyword> stats_page_keywords() {
  return kTable;
}

}  // namespace ferry::conf
