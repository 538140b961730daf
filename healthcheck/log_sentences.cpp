#include "healthcheck/log_sentences.hpp"

#include "healthcheck/status_text.hpp"

namespace ferry::healthcheck {

namespace {

std::string subject(const LogSubject& who) {
  std::string s = who.backup ? "Backup Server " : "Server ";
  return s.append(who.backend).append("/").append(who.server);
}

// ` N active and M backup servers left.[ Running on backup.] X sessions active, ...`
std::string left_tail(ServersLeft left, SessionCounts counts) {
  std::string s = " " + std::to_string(left.active) + " active and " + std::to_string(left.backup) +
                  " backup servers left.";
  if (left.active == 0 && left.backup > 0) s += " Running on backup.";
  return s + " " + std::to_string(counts.sessions) + " sessions active, " +
         std::to_string(counts.requeued) + " requeued, " + std::to_string(counts.queued) +
         " remaining in queue.";
}

std::string online_tail(ServersLeft online, SessionCounts counts) {
  return " " + std::to_string(online.active) + " active and " + std::to_string(online.backup) +
         " backup servers online. " + std::to_string(counts.requeued) + " sessions requeued, " +
         std::to_string(counts.queued) + " total in queue.";
}

}  // namespace

std::string check_reason(const core::CheckInfo& check) {
  std::string s = ", reason: ";
  s.append(check_status_description(check.status));
  if (check_code_shown(check.status)) s += ", code: " + std::to_string(check.code);
  if (!check.last_text.empty()) s += ", info: \"" + check.last_text + "\"";
  if (check.duration_ms >= 0) s += ", check duration: " + std::to_string(check.duration_ms) + "ms";
  return s;
}

std::string log_down_by_check(const LogSubject& who, const core::CheckInfo& check, ServersLeft left,
                              SessionCounts counts) {
  return subject(who) + " is DOWN" + check_reason(check) + "." + left_tail(left, counts);
}

std::string log_up_by_check(const LogSubject& who, const core::CheckInfo& check, ServersLeft online,
                            SessionCounts counts) {
  return subject(who) + " is UP" + check_reason(check) + "." + online_tail(online, counts);
}

std::string log_going_maint(const LogSubject& who, ServersLeft left, SessionCounts counts) {
  return subject(who) + " is going DOWN for maintenance." + left_tail(left, counts);
}

std::string log_down_enters_maint(const LogSubject& who) {
  return subject(who) + " was DOWN and now enters maintenance.";
}

std::string log_leaving_maint(const LogSubject& who, bool draining) {
  return subject(who) + (draining ? " is UP/DRAIN" : " is UP/READY") +
         " (leaving forced maintenance).";
}

std::string log_enters_drain(const LogSubject& who, ServersLeft online, SessionCounts counts) {
  return subject(who) + " enters drain state." + online_tail(online, counts);
}

std::string log_leaving_drain(const LogSubject& who) {
  return subject(who) + " is UP (leaving forced drain).";
}

std::string log_remains_drain(const LogSubject& who) {
  return subject(who) + " remains in forced drain mode.";
}

std::string log_down_changed(const LogSubject& who, std::string_view from, ServersLeft left,
                             SessionCounts counts) {
  return subject(who) + " is DOWN, changed from " + std::string(from) + "." +
         left_tail(left, counts);
}

std::string log_up_changed(const LogSubject& who, std::string_view from, ServersLeft online,
                           SessionCounts counts) {
  return subject(who) + " is UP, changed from " + std::string(from) + "." +
         online_tail(online, counts);
}

std::string log_stopping_changed(const LogSubject& who, std::string_view from, ServersLeft online,
                                 SessionCounts counts) {
  return subject(who) + " is stopping, changed from " + std::string(from) + "." +
         online_tail(online, counts);
}

std::string log_unix_backlog_full(std::string_view backend) {
  std::string s = "Connect() failed for backend ";
  return s.append(backend).append(
      ": can't connect to destination unix socket, check backlog size on the server.");
}

}  // namespace ferry::healthcheck
