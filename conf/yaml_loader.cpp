// The YAML document: top-level keys, the global section and the proxies. Nested objects
// (binds, servers, health checks, logs) are in yaml_objects.cpp. Schema: conf/YAML.md.
#include "conf/yaml_loader.hpp"

#include <algorithm>

#include "conf/did_you_mean.hpp"
#include "conf/keyword_table.hpp"
#include "conf/yaml_walker.hpp"

namespace ferry::conf {

namespace {

using YAML::Node;

// A string usable as a template argument, so table rows can name their HAProxy keyword.
template <size_t N>
struct Word {
  char text[N];
  constexpr Word(const char (&s)[N]) { std::copy_n(s, N, text); }
};

// Appends the space-separated words of `text` to `out`.
void append_words(std::string_view text, std::vector<std::string>& out) {
  while (!text.empty()) {
    const size_t sp = text.find(' ');
    if (sp != 0) out.emplace_back(text.substr(0, sp));
    if (sp == std::string_view::npos) break;
    text.remove_prefix(sp + 1);
  }
}

// The words of a keyword ("timeout connect": two).
template <Word Keyword>
std::vector<std::string> keyword() {
  std::vector<std::string> out;
  append_words(Keyword.text, out);
  return out;
}

// `timeout: { connect: 5s }`: the keyword's words and the value as one argument.
template <Word Keyword>
void one_arg(YamlWalker& w, const Node& key, const Node& value) {
  const auto v = w.scalar(value, key.Scalar());
  if (!v) return;
  std::vector<std::string> words = keyword<Keyword>();
  words.push_back(*v);
  w.statement(value, std::move(words));
}

// `auth: [ "admin:a", "ops:b" ]` (or one): a line with one argument per item.
template <Word Keyword>
void each_arg(YamlWalker& w, const Node& key, const Node& value) {
  for (const auto& item : YamlWalker::items(value))
    one_arg<Keyword>(w, key, item);
}

// `cookie: SRV insert indirect`: the keyword, then each word of the value.
template <Word Keyword>
void words(YamlWalker& w, const Node& key, const Node& value) {
  const auto v = w.scalar(value, key.Scalar());
  if (!v) return;
  std::vector<std::string> out = keyword<Keyword>();
  append_words(*v, out);
  w.statement(value, std::move(out));
}

template <Word Keyword>
void flag(YamlWalker& w, const Node& key, const Node& value) {
  if (w.boolean(value, key.Scalar()).value_or(false)) w.statement(value, keyword<Keyword>());
}

// `show_node: true` is the keyword alone, `show_node: NAME` the keyword and NAME, `false` none.
template <Word Keyword>
void flag_or_arg(YamlWalker& w, const Node& key, const Node& value) {
  const auto v = w.scalar(value, key.Scalar());
  if (!v || *v == "false") return;
  if (*v == "true") return w.statement(value, keyword<Keyword>());
  one_arg<Keyword>(w, key, value);
}

// `key: false` writes `no <keyword>`, `key: true` the keyword.
template <Word Keyword>
void on_off(YamlWalker& w, const Node& key, const Node& value) {
  const auto on = w.boolean(value, key.Scalar());
  if (!on) return;
  if (*on) return w.statement(value, {Keyword.text});
  w.statement(value, {"no", Keyword.text});
}

void each_log(YamlWalker& w, const Node&, const Node& value) {
  for (const auto& item : YamlWalker::items(value))
    yaml_log(w, item);
}

void stats_sockets(YamlWalker& w, const Node&, const Node& value) {
  for (const auto& item : YamlWalker::items(value))
    yaml_bind(w, item, true);
}

constexpr YamlKey kStats[] = {
    {"socket", stats_sockets},
    {"timeout", one_arg<"stats timeout">},
};

void stats(YamlWalker& w, const Node&, const Node& value) {
  w.walk(value, kStats, "stats");
}

constexpr YamlKey kGlobal[] = {
    {"maxconn", one_arg<"maxconn">},
    {"daemon", flag<"daemon">},
    {"pidfile", one_arg<"pidfile">},
    {"nbthread", one_arg<"nbthread">},
    {"user", one_arg<"user">},
    {"group", one_arg<"group">},
    {"uid", one_arg<"uid">},
    {"gid", one_arg<"gid">},
    {"ulimit_n", one_arg<"ulimit-n">},
    {"strict_limits", on_off<"strict-limits">},
    {"hard_stop_after", one_arg<"hard-stop-after">},
    {"master_worker", flag<"master-worker">},
    {"chroot", one_arg<"chroot">},
    {"server_state_file", one_arg<"server-state-file">},
    {"server_state_base", one_arg<"server-state-base">},
    {"log", each_log},
    {"log_tag", one_arg<"log-tag">},
    {"stats", stats},
    {"description", one_arg<"description">},
    {"node", one_arg<"node">},
};

constexpr YamlKey kTimeouts[] = {
    {"connect", one_arg<"timeout connect">},
    {"client", one_arg<"timeout client">},
    {"server", one_arg<"timeout server">},
    {"queue", one_arg<"timeout queue">},
    {"check", one_arg<"timeout check">},
    {"tunnel", one_arg<"timeout tunnel">},
    {"http_request", one_arg<"timeout http-request">},
    {"http_keep_alive", one_arg<"timeout http-keep-alive">},
};

void timeouts(YamlWalker& w, const Node&, const Node& value) {
  w.walk(value, kTimeouts, "timeout");
}

constexpr std::string_view kOptionNames[] = {
    "redispatch",      "allbackups",        "tcplog",    "httplog",    "dontlognull",
    "http-keep-alive", "http-server-close", "httpclose", "forwardfor", "prefer-last-server"};

// `options: [redispatch, "no tcplog"]`: each item is an `option` line.
void options(YamlWalker& w, const Node&, const Node& value) {
  const std::vector<std::string_view> names(std::begin(kOptionNames), std::end(kOptionNames));
  for (const auto& item : YamlWalker::items(value)) {
    auto text = w.scalar(item, "options");
    if (!text) continue;
    std::vector<std::string> words{"option", *text};
    if (text->starts_with("no ")) words = {"no", "option", text->substr(3)};
    size_t consumed = 0;
    if (!find_keyword(std::span<const std::string>(words).last(2), kAnyProxy, consumed)) {
      w.error(item, "unknown option '" + *text + "' in options" + did_you_mean(*text, names));
      continue;
    }
    w.statement(item, std::move(words));
  }
}

// `forwardfor: true` or `forwardfor: { except: NET, header: NAME, if_none: true }`: one
// `option forwardfor` line with those arguments.
void forwardfor(YamlWalker& w, const Node& key, const Node& value) {
  std::vector<std::string> words{"option", "forwardfor"};
  if (value.IsScalar()) {
    const auto on = w.boolean(value, key.Scalar());
    if (on && !*on)
      w.error(value,
              "forwardfor: false cannot be undone (there is no 'no option forwardfor'); remove "
              "the key");
    if (on && *on) w.statement(value, std::move(words));
    return;
  }
  // The keys are read below, in HAProxy's argument order; walk() only refuses unknown ones.
  if (!w.walk(value, {}, "forwardfor", {"except", "header", "if_none"})) return;
  for (const char* arg : {"except", "header"})
    if (const Node v = value[arg])
      if (const auto text = w.scalar(v, arg)) words.insert(words.end(), {arg, *text});
  if (const Node v = value["if_none"]; v && w.boolean(v, "if_none").value_or(false))
    words.emplace_back("if-none");
  w.statement(value, std::move(words));
}

// `retry_on: [conn-failure, 503]` (or one name): one `retry-on` line with those words.
void retry_on(YamlWalker& w, const Node&, const Node& value) {
  std::vector<std::string> words{"retry-on"};
  if (value.IsScalar()) {
    words.push_back(value.Scalar());
  } else {
    for (const auto& item : YamlWalker::items(value))
      if (const auto text = w.scalar(item, "retry_on")) words.push_back(*text);
  }
  w.statement(value, std::move(words));
}

void binds(YamlWalker& w, const Node&, const Node& value) {
  for (const auto& item : YamlWalker::items(value))
    yaml_bind(w, item, false);
}

void servers(YamlWalker& w, const Node&, const Node& value) {
  for (const auto& item : YamlWalker::items(value))
    yaml_server(w, item);
}

void proxy_log(YamlWalker& w, const Node&, const Node& value) {
  for (const auto& item : YamlWalker::items(value)) {
    if (item.IsScalar() && item.Scalar() == "global")
      w.statement(item, {"log", "global"});
    else
      yaml_log(w, item);
  }
}

// `errorfile: { 503: /etc/ferry/errors/503.http }`: each entry is an `errorfile` line.
void errorfiles(YamlWalker& w, const Node&, const Node& value) {
  if (!value.IsMap()) return w.error(value, "errorfile expects a mapping of status code to file");
  for (const auto& entry : value) {
    const auto code = w.scalar(entry.first, "errorfile");
    const auto path = w.scalar(entry.second, "errorfile");
    if (code && path) w.statement(entry.first, {"errorfile", *code, *path});
  }
}

// A proxy's `stats: { uri: /, auth: [...], ... }`: a `stats <keyword>` line for each key.
constexpr YamlKey kStatsPage[] = {
    {"enable", flag<"stats enable">},
    {"uri", one_arg<"stats uri">},
    {"realm", one_arg<"stats realm">},
    {"auth", each_arg<"stats auth">},
    {"refresh", one_arg<"stats refresh">},
    {"hide_version", flag<"stats hide-version">},
    {"show_legends", flag<"stats show-legends">},
    {"show_node", flag_or_arg<"stats show-node">},
    {"admin", words<"stats admin">},
};

void stats_page(YamlWalker& w, const Node&, const Node& value) {
  w.walk(value, kStatsPage, "stats");
}

void default_server(YamlWalker& w, const Node&, const Node& value) {
  yaml_default_server(w, value);
}
void health_check(YamlWalker& w, const Node&, const Node& value) {
  yaml_health_check(w, value);
}

constexpr YamlKey kProxy[] = {
    {"mode", one_arg<"mode">},
    {"id", one_arg<"id">},
    {"description", one_arg<"description">},
    {"bind", binds},
    {"default_backend", one_arg<"default_backend">},
    {"balance", words<"balance">},
    {"hash_type", words<"hash-type">},
    {"cookie", words<"cookie">},
    {"unique_id_format", one_arg<"unique-id-format">},
    {"unique_id_header", one_arg<"unique-id-header">},
    {"maxconn", one_arg<"maxconn">},
    {"fullconn", one_arg<"fullconn">},
    {"retries", one_arg<"retries">},
    {"load_server_state_from_file", one_arg<"load-server-state-from-file">},
    {"server_state_file_name", one_arg<"server-state-file-name">},
    {"timeout", timeouts},
    {"options", options},
    {"forwardfor", forwardfor},
    {"http_reuse", one_arg<"http-reuse">},
    {"retry_on", retry_on},
    {"errorfile", errorfiles},
    {"log", proxy_log},
    {"log_tag", one_arg<"log-tag">},
    {"stats", stats_page},
    {"use_service", words<"http-request use-service">},
    {"default_server", default_server},
    {"servers", servers},
    {"health_check", health_check},
    {"use_fcgi_app", one_arg<"use-fcgi-app">},
};

void proxy(YamlWalker& w, const Node& item, ProxyKind kind, const char* kind_name) {
  if (!item.IsMap())
    return w.error(item, std::string("each of ") + kind_name + "s must be a mapping");
  const Node name = item["name"];
  if (!name) return w.error(item, std::string("a ") + kind_name + " needs a 'name'");
  const auto text = w.scalar(name, "name");
  if (!text) return;
  if (auto err = check_name(kind_name, *text)) w.error(name, *err);
  w.ctx().begin_proxy(w.pos(item), kind, *text, "");
  w.walk(item, kProxy, std::string(kind_name) + " '" + *text + "'", {"name"});
}

// `set_param: { REDIRECT_STATUS: "200" }`: each entry is a `set-param` line.
void set_params(YamlWalker& w, const Node&, const Node& value) {
  if (!value.IsMap()) return w.error(value, "set_param expects a mapping of name to value");
  for (const auto& entry : value) {
    const auto name = w.scalar(entry.first, "set_param");
    const auto text = w.scalar(entry.second, "set_param");
    if (name && text) w.statement(entry.first, {"set-param", *name, *text});
  }
}

// `options: [keep-conn, get-values, "no mpxs-conns"]`: each item is an `option` line.
void fcgi_options(YamlWalker& w, const Node&, const Node& value) {
  for (const auto& item : YamlWalker::items(value)) {
    const auto text = w.scalar(item, "options");
    if (!text) continue;
    if (text->starts_with("no "))
      w.statement(item, {"no", "option", text->substr(3)});
    else
      w.statement(item, {"option", *text});
  }
}

constexpr YamlKey kFcgiApp[] = {
    {"docroot", one_arg<"docroot">},
    {"index", one_arg<"index">},
    {"path_info", one_arg<"path-info">},
    {"set_param", set_params},
    {"pass_header", each_arg<"pass-header">},
    {"options", fcgi_options},
    {"max_reqs", one_arg<"option max-reqs">},
    {"log_stderr", one_arg<"log-stderr">},
};

void fcgi_apps(YamlWalker& w, const Node&, const Node& value) {
  if (!value.IsSequence()) return w.error(value, "fcgi_apps must be a list");
  for (const auto& item : value) {
    if (!item.IsMap()) {
      w.error(item, "each of fcgi_apps must be a mapping");
      continue;
    }
    const Node name = item["name"];
    if (!name) {
      w.error(item, "an fcgi_app needs a 'name'");
      continue;
    }
    const auto text = w.scalar(name, "name");
    if (!text) continue;
    if (auto err = check_name("fcgi-app", *text)) w.error(name, *err);
    w.ctx().begin_fcgi_app(w.pos(item), *text);
    w.walk(item, kFcgiApp, "fcgi-app '" + *text + "'", {"name"});
  }
}

template <ProxyKind Kind, Word Name>
void proxies(YamlWalker& w, const Node&, const Node& value) {
  if (!value.IsSequence()) return w.error(value, std::string(Name.text) + "s must be a list");
  for (const auto& item : value)
    proxy(w, item, Kind, Name.text);
}

void global(YamlWalker& w, const Node&, const Node& value) {
  w.ctx().begin_global();
  w.walk(value, kGlobal, "global");
}

void skip(YamlWalker&, const Node&, const Node&) {}  // `defaults`: applied first

constexpr YamlKey kTop[] = {
    {"global", global},
    {"defaults", skip},
    {"frontends", proxies<ProxyKind::Frontend, "frontend">},
    {"backends", proxies<ProxyKind::Backend, "backend">},
    {"listens", proxies<ProxyKind::Listen, "listen">},
    {"fcgi_apps", fcgi_apps},
};

void document(YamlWalker& w, const Node& root) {
  if (root.IsNull()) return;
  if (!root.IsMap())
    return w.error(root,
                   "a ferry YAML config must be a mapping (global, "
                   "defaults, frontends, backends, listens, fcgi_apps)");
  // Every proxy of the file inherits this file's defaults (none: the built-in ones).
  w.ctx().begin_defaults(w.pos(root), "", "");
  if (const Node d = root["defaults"]) w.walk(d, kProxy, "defaults");
  w.walk(root, kTop, "the top level");
}

}  // namespace

void load_yaml(ParseContext& ctx, const std::string& file, const std::string& text) {
  YamlWalker w(ctx, file);
  try {
    document(w, YAML::Load(text));
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line < 0 ? 0 : e.mark.line + 1;
    ctx.error({file, line, line ? e.mark.column + 1 : 0}, "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    ctx.error({file, 0, 0}, std::string("cannot load YAML: ") + e.what());
  }
  ctx.end_section();
}

}  // namespace ferry::conf
