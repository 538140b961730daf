// The state both front ends (HAProxy format and YAML) build the model through: the config being
// filled, the diagnostics, the section being parsed and the `defaults` sections that proxies
// inherit from. Keyword handlers (keywords_*.cpp) only ever talk to this.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/model.hpp"

namespace ferry::conf {

// Section kinds as bits, so a keyword can list where it applies.
enum SectionBit : unsigned {
  kGlobal = 1u << 0,
  kDefaults = 1u << 1,
  kFrontend = 1u << 2,
  kBackend = 1u << 3,
  kListen = 1u << 4,
  kFcgiApp = 1u << 5,
};
inline constexpr unsigned kAnyProxy = kDefaults | kFrontend | kBackend | kListen;

// "frontend", "backend", ... for one bit; "defaults, frontend and listen sections" for a mask.
std::string section_name(unsigned bit);
std::string sections_phrase(unsigned mask);

// Proxy and server names may hold letters, digits, '-', '_', '.' and ':' (as in HAProxy).
// Returns "invalid character 'c' in <what> name '<name>'; use letters, ..." or nullopt.
std::optional<std::string> check_name(std::string_view what, const std::string& name);

class ParseContext {
 public:
  ParseContext(Config& config, std::vector<Diagnostic>& diags) : config_(config), diags_(diags) {}

  Config& config() { return config_; }
  std::vector<Diagnostic>& diagnostics() { return diags_; }
  void error(const SourcePos& pos, std::string message);
  void warning(const SourcePos& pos, std::string message);

  // Section changes. A new section ends the previous one; so does the end of a file.
  void begin_global();
  void begin_unsupported();  // lines up to the next section are skipped
  void begin_defaults(const SourcePos& pos, const std::string& name, const std::string& from);
  void begin_proxy(const SourcePos& pos, ProxyKind kind, const std::string& name,
                   const std::string& from);
  void begin_fcgi_app(const SourcePos& pos, const std::string& name);
  void end_section() { current_ = Current::None; }

  // The current section as a SectionBit; 0 outside any section or in an unsupported one.
  unsigned section() const;
  bool in_unsupported_section() const { return current_ == Current::Unsupported; }
  // "backend 'app'", "defaults section", "defaults 'tcp'", "global section".
  std::string where() const;

  // The defaults section or proxy being parsed (valid while section() & kAnyProxy).
  ProxyConf& proxy();
  // The fcgi-app section being parsed (valid while section() == kFcgiApp).
  FcgiAppConf& fcgi_app();
  // Its `default-server` template, copied into each new server.
  ServerConf& default_server();
  // True once per section if the tcp-check rules in proxy() came from defaults: the first local
  // `tcp-check` rule replaces them (HAProxy 2.6 semantics).
  bool take_inherited_tcp_steps();

 private:
  enum class Current { None, Global, Defaults, Proxy, FcgiApp, Unsupported };
  struct Defaults {
    std::string name;  // empty for an unnamed section
    SourcePos pos;
    ProxyConf proxy;  // kind Defaults
    ServerConf default_server;
    bool named_by_from = false;    // some section said `from <name>`
    bool used_implicitly = false;  // some proxy without `from` took it as the last defaults
  };

  const Defaults* find_defaults(const SourcePos& pos, const std::string& from);
  const Defaults* base_for(const SourcePos& pos, const std::string& from);
  void warn_if_ambiguous(const SourcePos& pos, Defaults& d);

  Config& config_;
  std::vector<Diagnostic>& diags_;
  Current current_ = Current::None;
  std::vector<Defaults> defaults_;
  std::optional<size_t> last_defaults_;            // applies to proxies without `from`
  size_t index_ = 0;                               // into defaults_ or config_.proxies
  std::vector<ServerConf> proxy_default_servers_;  // parallel to config_.proxies
  bool inherited_tcp_steps_ = false;
};

}  // namespace ferry::conf
