// The command table, dispatch with the level check first, and the usage texts of `help` and of
// unknown commands (header and trailer lines as HAProxy 2.6 prints them).
#include <algorithm>
#include <array>
#include <cstdio>

#include "conf/did_you_mean.hpp"
#include "stats/command_handlers.hpp"

namespace ferry::stats {

namespace {

using conf::Level;
using Handler = Reply (*)(Invocation&);

struct CommandDef {
  std::array<std::string_view, 3> words;  // keywords, unused ones empty
  Level level;
  Handler handler;
  std::string_view usage;
  std::string_view help;
  bool listed = true;  // shown by `help` (aliases are not)
  // Changes the state of servers, counters or the process: each use gets an audit line, even
  // when refused (AdminConnection writes it).
  bool changes_state = false;

  size_t word_count() const {
    size_t n = 0;
    while (n < words.size() && !words[n].empty())
      ++n;
    return n;
  }
};

constexpr bool kListed = true;
constexpr bool kChangesState = true;

// `help`, `prompt` and `quit` are in the table but always listed last, as HAProxy does.
constexpr std::array kCommands{
    CommandDef{{"clear", "counters"},
               Level::Operator,
               clear_counters,
               "clear counters [all]",
               "reset the max values (or, with 'all', every counter)",
               kListed,
               kChangesState},
    CommandDef{{"disable", "health"},
               Level::Admin,
               disable_health,
               "disable health <bk>/<srv>",
               "stop health checks on a server; its state stays as it is",
               kListed,
               kChangesState},
    CommandDef{{"disable", "server"},
               Level::Admin,
               disable_server,
               "disable server <bk>/<srv>",
               "put a server in maintenance (same as 'set server ... state maint')",
               kListed,
               kChangesState},
    CommandDef{{"enable", "health"},
               Level::Admin,
               enable_health,
               "enable health <bk>/<srv>",
               "resume health checks on a server",
               kListed,
               kChangesState},
    CommandDef{{"enable", "server"},
               Level::Admin,
               enable_server,
               "enable server <bk>/<srv>",
               "take a server out of maintenance (same as 'set server ... state ready')",
               kListed,
               kChangesState},
    CommandDef{{"get", "weight"},
               Level::User,
               get_weight,
               "get weight <bk>/<srv>",
               "print a server's current and initial weight"},
    CommandDef{{"operator"},
               Level::User,
               lower_to_operator,
               "operator",
               "lower this session's level to operator"},
    CommandDef{{"safe"},
               Level::Admin,
               safe_take_out,
               "safe disable|drain server <bk>/<srv> [keep-up <n>] [wait <delay>]",
               "maint/drain a server only if its backend keeps <n> (1) other usable servers",
               kListed,
               kChangesState},
    CommandDef{{"set", "server"},
               Level::Admin,
               set_server,
               "set server <bk>/<srv> [opts]",
               "change a server's state, health or weight",
               kListed,
               kChangesState},
    CommandDef{{"set", "severity-output"},
               Level::User,
               set_severity_output,
               "set severity-output [none|number|string]",
               "prefix messages with their severity"},
    CommandDef{{"set", "timeout"},
               Level::User,
               set_timeout,
               "set timeout [cli] <delay>",
               "change this session's idle timeout (seconds)"},
    CommandDef{{"set", "weight"},
               Level::Admin,
               set_weight,
               "set weight <bk>/<srv> <weight>",
               "change a server's weight (same as 'set server ... weight')",
               kListed,
               kChangesState},
    CommandDef{{"show", "backend"}, Level::User, show_backend, "show backend", "list the backends"},
    CommandDef{{"show", "cli", "level"},
               Level::User,
               show_cli_level,
               "show cli level",
               "print this session's level"},
    CommandDef{{"show", "cli", "sockets"},
               Level::User,
               show_cli_sockets,
               "show cli sockets",
               "list the stats sockets and their levels"},
    CommandDef{{"show", "activity"},
               Level::User,
               show_activity,
               "show activity",
               "show per-thread activity counters"},
    CommandDef{{"show", "info"},
               Level::User,
               show_info,
               "show info [desc|json|typed]*",
               "report process-wide information"},
    CommandDef{{"show", "servers", "state"},
               Level::User,
               show_servers_state,
               "show servers state [<backend>]",
               "dump the servers' state (all or one backend)"},
    CommandDef{{"show", "stat"},
               Level::User,
               show_stat,
               "show stat [desc|json|no-maint|typed|up]*",
               "report counters for each proxy and server"},
    CommandDef{
        {"show", "stats"}, Level::User, show_stat, "show stats", "same as 'show stat'", false},
    CommandDef{{"show", "version"}, Level::User, show_version, "show version", "print the version"},
    CommandDef{{"shutdown", "sessions", "server"},
               Level::Admin,
               shutdown_sessions,
               "shutdown sessions server <bk>/<srv>",
               "close every session on a server now",
               kListed,
               kChangesState},
    CommandDef{{"user"}, Level::User, lower_to_user, "user", "lower this session's level to user"},
    CommandDef{{"wait"},
               Level::Admin,
               wait,
               "wait <delay> [srv-removable <bk>/<srv>]",
               "wait for a delay, or until a server in maintenance has no connection left"},
    CommandDef{{"_getsocks"},
               Level::Admin,
               get_socks,
               "_getsocks",
               "pass the listening sockets to a new process (ferry -x)",
               false,
               kChangesState},
    CommandDef{{"_getstate"},
               Level::Admin,
               get_state,
               "_getstate",
               "pass the servers' state to a new process (ferry -x)",
               false},
    CommandDef{{"help"}, Level::User, help, "help [<command>]", "list matching or all commands"},
    CommandDef{{"prompt"}, Level::User, prompt, "prompt", "toggle interactive mode with prompt"},
    CommandDef{{"quit"}, Level::User, quit, "quit", "disconnect"},
};
constexpr size_t kTrailer = 3;  // help, prompt, quit: the last entries

// How many leading keywords of `def` equal the typed words.
size_t matched_words(const CommandDef& def, const std::vector<std::string>& words) {
  size_t n = 0;
  while (n < def.word_count() && n < words.size() && def.words[n] == words[n])
    ++n;
  return n;
}

const CommandDef* lookup(const std::vector<std::string>& words) {
  const CommandDef* best = nullptr;
  for (const auto& def : kCommands) {
    const size_t n = def.word_count();
    if (matched_words(def, words) == n && (!best || n > best->word_count())) best = &def;
  }
  return best;
}

void append_entry(std::string& out, const CommandDef& def) {
  char usage[64];
  std::snprintf(usage, sizeof(usage), "  %-40.*s: ", static_cast<int>(def.usage.size()),
                def.usage.data());
  out.append(usage).append(def.help).append("\n");
}

std::string join(const std::vector<std::string>& words, size_t from) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i)
    out += (i > from ? " " : "") + words[i];
  return out;
}
std::string keywords_from(const CommandDef& def, size_t from) {
  std::string out;
  for (size_t i = from; i < def.word_count(); ++i)
    out += (i > from ? " " : "") + std::string(def.words[i]);
  return out;
}

// The entries sharing the first `prefix` typed words; when more words were typed, the closest
// few (up to 5) by spelling, or all of them when nothing is close (or what was typed is too long
// to be a misspelling: conf::kMaxSuggestedLength bounds the work).
std::vector<const CommandDef*> suggestions(const std::vector<std::string>& words, size_t prefix) {
  std::vector<std::pair<double, const CommandDef*>> ranked;
  const std::string typed = join(words, prefix);
  for (size_t i = 0; i + kTrailer < kCommands.size(); ++i) {
    const CommandDef& def = kCommands[i];
    if (!def.listed || matched_words(def, words) < prefix) continue;
    ranked.emplace_back(conf::pair_similarity(typed, keywords_from(def, prefix)), &def);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const CommandDef*> out;
  const double best = ranked.empty() ? 0.0 : ranked.front().first;
  for (const auto& [score, def] : ranked) {
    if (typed.empty() || best < 0.2)
      out.push_back(def);  // nothing close: list them all
    else if (score >= best * 0.75 && out.size() < 5)
      out.push_back(def);
  }
  std::sort(out.begin(), out.end(),
            [](const CommandDef* a, const CommandDef* b) { return a->usage < b->usage; });
  return out;
}

std::string usage_header(bool is_help, bool empty_command) {
  if (is_help) return "The following commands are valid at this level:\n";
  if (empty_command) return "Unknown command. Please enter one of the following commands only:\n";
  return "Unknown command, but maybe one of the following ones is a better match:\n";
}

std::string prefix_of(Severity severity, SeverityOutput mode) {
  if (mode == SeverityOutput::None || severity == Severity::Output) return "";
  const bool err = severity == Severity::Error;
  if (mode == SeverityOutput::Number) return err ? "[3]: " : "[6]: ";
  return err ? "[err]: " : "[info]: ";
}

}  // namespace

Reply usage_reply(const std::vector<std::string>& words, bool is_help) {
  size_t prefix = 0;
  for (size_t i = 0; i + kTrailer < kCommands.size(); ++i)
    if (kCommands[i].listed) prefix = std::max(prefix, matched_words(kCommands[i], words));
  std::string out = usage_header(is_help, words.empty());
  for (const CommandDef* def : suggestions(words, prefix))
    append_entry(out, *def);
  for (size_t i = kCommands.size() - kTrailer; i < kCommands.size(); ++i)
    append_entry(out, kCommands[i]);
  return info(std::move(out));
}

Reply run_command(const std::vector<std::string>& words, CliSession& session, CliContext& ctx) {
  const CommandDef* def = lookup(words);
  if (!def) return usage_reply(words, false);
  Reply reply = error("Permission denied\n");
  if (session.level >= def->level) {
    Invocation in{words, session, ctx};
    // Worker threads change counters and server state meanwhile: a command sees and changes
    // them under the state lock, so every reply is one consistent snapshot.
    auto lk = ctx.engine.lock_state();
    reply = def->handler(in);
  }
  reply.audit = def->changes_state;
  return reply;
}

std::string join_words(const std::vector<std::string>& words) {
  return join(words, 0);
}

std::string format_reply(const Reply& reply, const CliSession& session) {
  std::string out = prefix_of(reply.severity, session.severity_output);
  out += reply.text;
  out += session.interactive ? "\n> " : "\n";
  return out;
}

std::string_view level_name(conf::Level level) {
  return conf::to_string(level);
}

Reply help(Invocation& in) {
  return usage_reply(std::vector<std::string>(in.args.begin() + 1, in.args.end()), true);
}

}  // namespace ferry::stats
