// The options that follow the address on `bind`, `stats socket`, `server` and `default-server`
// lines, applied a few words at a time. Shared by the HAProxy-format parser (whole lines, and
// server lines continued without `\`) and the YAML loader (one key at a time, each with its own
// line:column).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "conf/parse_context.hpp"

namespace ferry::conf {

// --- bind / stats socket -------------------------------------------------------------------
// Applies `words` (option names and their values) to `bind`; errors name `label`, e.g.
// "bind '127.0.0.1:80' in frontend 'web'".
void apply_bind_options(ParseContext& ctx, BindConf& bind, const std::string& label,
                        std::span<const std::string> words, const SourcePos& pos,
                        bool stats_socket);
// Warns about UNIX-only options on a bind that has no UNIX address. Call after its last option.
void finish_bind(ParseContext& ctx, const BindConf& bind, const std::string& label);
// "bind '<addresses>' in <where>" / "stats socket '<address>'".
std::string bind_label(ParseContext& ctx, const std::string& address_text, bool stats_socket);

// --- server / default-server ---------------------------------------------------------------
// Applies `words` to `server`; `label` names it in messages ("server 'app/s1'",
// "default-server in backend 'app'"); an unknown option is reported "on server line '<name>'".
void apply_server_options(ParseContext& ctx, ServerConf& server, const std::string& label,
                          std::span<const std::string> words, const SourcePos& pos,
                          bool default_server);
// True if `word` is a server option (for lines that continue a server line without `\`).
bool is_server_option(std::string_view word);
std::string server_label(ParseContext& ctx, const std::string& server_name);
std::string default_server_label(ParseContext& ctx);

}  // namespace ferry::conf
