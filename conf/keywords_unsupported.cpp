// HAProxy keywords ferry knows about and refuses, each with what to do instead. A config that
// uses one fails to load with "'<keyword>' is not supported by ferry; <note>" rather than being
// half-applied. Keywords not listed anywhere get "unknown keyword ... did you mean ...?".
#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kP = kAnyProxy;

constexpr std::string_view kRemove = "remove the line";
constexpr std::string_view kHttp = "ferry's 'mode http' does not implement it yet; remove it";
constexpr std::string_view kTls = "ferry has no TLS; remove it and terminate TLS elsewhere";
constexpr std::string_view kRouting =
    "ferry picks a backend's server by its 'balance' algorithm; remove it";

constexpr Keyword kTable[] = {
    // global
    {.name = "nbproc", .sections = kGlobal, .usage = "remove it (use 'nbthread')"},
    {.name = "spread-checks", .sections = kGlobal, .usage = kRemove},
    {.name = "log-send-hostname", .sections = kGlobal, .usage = kRemove},
    {.name = "ca-base", .sections = kGlobal, .usage = kTls},
    {.name = "crt-base", .sections = kGlobal, .usage = kTls},
    {.name = "ssl-", .sections = kGlobal, .usage = kTls, .prefix = true},
    {.name = "tune.",
     .sections = kGlobal,
     .usage = "ferry's only tunables are tune.bufsize, tune.maxrewrite and tune.http.maxhdr; "
              "remove it",
     .prefix = true},
    {.name = "lua-", .sections = kGlobal, .usage = "ferry has no Lua; remove it", .prefix = true},
    {.name = "setenv", .sections = kGlobal, .usage = "set the variable in ferry's environment"},
    {.name = "presetenv", .sections = kGlobal, .usage = "set the variable in ferry's environment"},
    {.name = "unsetenv", .sections = kGlobal, .usage = "set the variable in ferry's environment"},
    {.name = "resetenv", .sections = kGlobal, .usage = "set the variable in ferry's environment"},
    {.name = "cpu-map", .sections = kGlobal, .usage = kRemove},
    {.name = "maxconnrate", .sections = kGlobal, .usage = kRemove},
    {.name = "maxsessrate", .sections = kGlobal, .usage = kRemove},
    {.name = "maxpipes", .sections = kGlobal, .usage = kRemove},
    {.name = "stats maxconn", .sections = kGlobal, .usage = kRemove},
    {.name = "stats bind-process", .sections = kGlobal, .usage = kRemove},
    {.name = "external-check", .sections = kGlobal, .usage = kRemove},
    {.name = "localpeer", .sections = kGlobal, .usage = kRemove},
    // proxies
    {.name = "disabled",
     .sections = kP,
     .usage = "to start a server in maintenance put 'disabled' on its server line; to drop a "
              "proxy, remove or comment out its section"},
    {.name = "contimeout",
     .sections = kP,
     .usage = "it was removed in HAProxy 2.1; use 'timeout connect'"},
    {.name = "clitimeout",
     .sections = kP,
     .usage = "it was removed in HAProxy 2.1; use 'timeout client'"},
    {.name = "srvtimeout",
     .sections = kP,
     .usage = "it was removed in HAProxy 2.1; use 'timeout server'"},
    {.name = "timeout client-fin", .sections = kP, .usage = kRemove},
    {.name = "timeout server-fin", .sections = kP, .usage = kRemove},
    {.name = "timeout tarpit", .sections = kP, .usage = kHttp},
    {.name = "option http-buffer-request", .sections = kP, .usage = kHttp},
    {.name = "option abortonclose", .sections = kP, .usage = kRemove},
    {.name = "option tcpka", .sections = kP, .usage = kRemove},
    {.name = "option clitcpka", .sections = kP, .usage = kRemove},
    {.name = "option srvtcpka", .sections = kP, .usage = kRemove},
    {.name = "option splice-auto", .sections = kP, .usage = kRemove},
    {.name = "option splice-request", .sections = kP, .usage = kRemove},
    {.name = "option splice-response", .sections = kP, .usage = kRemove},
    {.name = "option log-health-checks", .sections = kP, .usage = kRemove},
    {.name = "option log-separate-errors", .sections = kP, .usage = kRemove},
    {.name = "option dontlog-normal", .sections = kP, .usage = kRemove},
    {.name = "option httpslog", .sections = kP, .usage = kTls},
    {.name = "option persist", .sections = kP, .usage = kRemove},
    {.name = "option socket-stats", .sections = kP, .usage = kRemove},
    {.name = "option nolinger", .sections = kP, .usage = kRemove},
    {.name = "option transparent", .sections = kP, .usage = kRemove},
    {.name = "use-server", .sections = kP, .usage = kRouting},
    {.name = "tcp-response", .sections = kP, .usage = kRemove},
    {.name = "http-after-response", .sections = kP, .usage = kHttp},
    {.name = "redirect", .sections = kP, .usage = kHttp},
    {.name = "errorfiles", .sections = kP, .usage = kHttp},
    {.name = "compression", .sections = kP, .usage = kHttp},
    {.name = "capture", .sections = kP, .usage = kHttp},
    {.name = "stick",
     .sections = kP,
     .usage =
         "ferry has no stick tables; use 'cookie NAME insert' and 'cookie VALUE' on the servers "
         "(or 'balance source')"},
    {.name = "stick-table",
     .sections = kP,
     .usage =
         "ferry has no stick tables; use 'cookie NAME insert' and 'cookie VALUE' on the servers "
         "(or 'balance source')"},
    {.name = "server-template", .sections = kP, .usage = "write one 'server' line per server"},
    {.name = "stats",
     .sections = kP,
     .usage = "ferry's stats keywords are 'stats enable', 'uri', 'realm', 'auth', 'refresh', "
              "'hide-version', 'show-legends', 'show-node' and 'admin'; remove it"},
    {.name = "monitor-uri", .sections = kP, .usage = kHttp},
    {.name = "log-format",
     .sections = kP,
     .usage = "ferry has no custom log format; use 'option httplog' or 'option tcplog'"},
    {.name = "rate-limit", .sections = kP, .usage = kRemove},
    {.name = "bind-process", .sections = kP, .usage = kRemove},
    {.name = "source", .sections = kP, .usage = kRemove},
    {.name = "backlog", .sections = kP, .usage = "use 'backlog' on the bind line"},
    {.name = "filter", .sections = kP, .usage = kRemove},
    {.name = "email-alert", .sections = kP, .usage = kRemove},
    {.name = "dispatch", .sections = kP, .usage = "use a 'server' line"},
    {.name = "persist", .sections = kP, .usage = kRemove},
};

}  // namespace

std::span<const Keyword> unsupported_keywords() {
  return kTable;
}

}  // namespace ferry::conf
