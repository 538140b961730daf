#include "conf/haproxy_parser.hpp"

#include <algorithm>
#include <array>

#include "conf/keyword_table.hpp"
#include "conf/line_options.hpp"
#include "conf/tokenizer.hpp"

namespace ferry::conf {

namespace {

constexpr std::array<std::string_view, 10> kUnsupportedSections{
    "resolvers",   "peers", "userlist", "mailers",     "program",
    "http-errors", "ring",  "cache",    "log-forward", "traces"};

// Walks the statements of one file, tracking which section they belong to and whether the
// previous statement was a server line that an option-only line may continue.
class HaproxyParser {
 public:
  explicit HaproxyParser(ParseContext& ctx) : ctx_(ctx) {}

  void run(const std::vector<Statement>& statements) {
    ctx_.end_section();
    for (const auto& st : statements)
      if (!header(st)) body(st);
    ctx_.end_section();
  }

 private:
  enum class Last { Other, Server, DefaultServer };

  bool header(const Statement& st) {
    const std::string& w = st.words[0];
    if (w == "global") return global(st), true;
    if (w == "defaults") return named(st, ProxyKind::Defaults, false), true;
    if (w == "frontend") return named(st, ProxyKind::Frontend, true), true;
    if (w == "backend") return named(st, ProxyKind::Backend, true), true;
    if (w == "listen") return named(st, ProxyKind::Listen, true), true;
    if (w == "fcgi-app") return fcgi_app(st), true;
    if (std::find(kUnsupportedSections.begin(), kUnsupportedSections.end(), w) ==
        kUnsupportedSections.end())
      return false;
    ctx_.error(st.pos, "'" + w + "' sections are not supported by ferry; remove the section");
    ctx_.begin_unsupported();
    last_ = Last::Other;
    return true;
  }

  void global(const Statement& st) {
    if (st.words.size() > 1)
      ctx_.error(st.pos, "'global' takes no argument (got '" + st.words[1] + "')");
    ctx_.begin_global();
    last_ = Last::Other;
  }

  // `defaults [<name>] [from <defaults>]`, `frontend|backend|listen <name> [from <defaults>]`.
  void named(const Statement& st, ProxyKind kind, bool name_required) {
    last_ = Last::Other;
    std::vector<std::string> args(st.words.begin() + 1, st.words.end());
    std::string from;
    if (args.size() >= 2 && args[args.size() - 2] == "from") {
      from = args.back();
      args.resize(args.size() - 2);
    }
    const std::string& word = st.words[0];
    if (args.size() > 1) {
      ctx_.error(st.pos, "unexpected argument '" + args[1] + "' after '" + word + " " + args[0] +
                             "'; usage: " + word + " <name> [from <defaults name>]");
    }
    if (args.empty() && name_required) {
      ctx_.error(st.pos, "'" + word + "' needs a name, e.g. '" + word + " app'");
      return ctx_.begin_unsupported();  // skip its lines rather than report each of them
    }
    const std::string name = args.empty() ? std::string() : args[0];
    if (auto err = check_name(word, name)) ctx_.error(st.pos, *err);
    if (kind == ProxyKind::Defaults) return ctx_.begin_defaults(st.pos, name, from);
    ctx_.begin_proxy(st.pos, kind, name, from);
  }

  void fcgi_app(const Statement& st) {
    last_ = Last::Other;
    if (st.words.size() != 2) {
      ctx_.error(st.pos, "'fcgi-app' needs one name, e.g. 'fcgi-app php'");
      return ctx_.begin_unsupported();
    }
    if (auto err = check_name("fcgi-app", st.words[1])) ctx_.error(st.pos, *err);
    ctx_.begin_fcgi_app(st.pos, st.words[1]);
  }

  void body(const Statement& st) {
    if (ctx_.in_unsupported_section()) return;
    if (ctx_.section() == 0)
      return ctx_.error(st.pos, "'" + st.words[0] + "' is outside any section; start one with " +
                                    "'global', 'defaults', 'frontend', 'backend' or 'listen'");
    if (continues_server_line(st)) return;
    const bool proxy = ctx_.section() & kAnyProxy;
    const size_t servers = proxy ? ctx_.proxy().servers.size() : 0;
    dispatch(ctx_, st);
    last_ = Last::Other;
    if (proxy && ctx_.proxy().servers.size() > servers) last_ = Last::Server;
    if (proxy && st.words[0] == "default-server" && !(ctx_.section() & kFrontend))
      last_ = Last::DefaultServer;
    if (last_ != Last::Other) last_line_ = st.pos.line;
  }

  // A line made only of server options right after a server line is taken as its
  // continuation (people write them so; HAProxy rejects them), with a warning.
  bool continues_server_line(const Statement& st) {
    if (last_ == Last::Other || !is_server_option(st.words[0]) ||
        is_section_keyword(st.words, ctx_.section()))
      return false;
    ProxyConf& p = ctx_.proxy();
    const bool dflt = last_ == Last::DefaultServer;
    ServerConf& target = dflt ? ctx_.default_server() : p.servers.back();
    const std::string label = dflt ? default_server_label(ctx_) : server_label(ctx_, target.name);
    const std::string line = std::to_string(last_line_);
    ctx_.warning(st.pos, "line starting with '" + st.words[0] + "' is taken as more options of " +
                             (dflt ? "the default-server line" : "server '" + target.name + "'") +
                             " (line " + line + "); HAProxy rejects such lines, so move " +
                             "these options onto line " + line);
    apply_server_options(ctx_, target, label, st.words, st.pos, dflt);
    return true;
  }

  ParseContext& ctx_;
  Last last_ = Last::Other;
  int last_line_ = 0;
};

}  // namespace

void parse_haproxy(ParseContext& ctx, const std::string& file, std::string_view text) {
  const auto statements = tokenize(text, file, ctx.diagnostics());
  HaproxyParser(ctx).run(statements);
}

}  // namespace ferry::conf
