#include "healthcheck/status_text.hpp"

#include <array>

namespace ferry::healthcheck {

using core::CheckStatus;

namespace {

struct StatusText {
  CheckStatus status;
  std::string_view name;
  std::string_view description;
};

constexpr std::array kStatusTexts{
    StatusText{CheckStatus::Unknown, "UNK", "Unknown"},
    StatusText{CheckStatus::Init, "INI", "Initializing"},
    StatusText{CheckStatus::Checked, "CHECKED", "No status change"},
    StatusText{CheckStatus::Hana, "HANA", "Health analyze"},
    StatusText{CheckStatus::SockErr, "SOCKERR", "Socket error"},
    StatusText{CheckStatus::L4Ok, "L4OK", "Layer4 check passed"},
    StatusText{CheckStatus::L4Tout, "L4TOUT", "Layer4 timeout"},
    StatusText{CheckStatus::L4Con, "L4CON", "Layer4 connection problem"},
    StatusText{CheckStatus::L6Ok, "L6OK", "Layer6 check passed"},
    StatusText{CheckStatus::L6Tout, "L6TOUT", "Layer6 timeout"},
    StatusText{CheckStatus::L6Rsp, "L6RSP", "Layer6 invalid response"},
    StatusText{CheckStatus::L7Tout, "L7TOUT", "Layer7 timeout"},
    StatusText{CheckStatus::L7Rsp, "L7RSP", "Layer7 invalid response"},
    StatusText{CheckStatus::L7Ok, "L7OK", "Layer7 check passed"},
    StatusText{CheckStatus::L7OkC, "L7OKC", "Layer7 check conditionally passed"},
    StatusText{CheckStatus::L7Sts, "L7STS", "Layer7 wrong status"},
};

const StatusText& text_of(CheckStatus status) {
  for (const StatusText& t : kStatusTexts) {
    if (t.status == status) return t;
  }
  return kStatusTexts[0];
}

// "UP 2/3" while between rise and full health: (health - rise + 1) / fall.
std::string with_up_count(std::string_view word, const core::CheckInfo& c, bool counted) {
  const int full = c.rise + c.fall - 1;
  if (!counted || c.health >= full) return std::string(word);
  return std::string(word) + " " + std::to_string(c.health - c.rise + 1) + "/" +
         std::to_string(c.fall);
}

std::string running_text(const core::Server& s, bool checked) {
  if (s.in_drain()) return with_up_count("DRAIN", s.check, checked);
  std::string text = with_up_count("UP", s.check, checked);
  return (text == "UP" && !checked) ? "no check" : text;
}

std::string stopped_text(const core::CheckInfo& c, bool checked) {
  if (!checked || c.health == 0) return "DOWN";
  return "DOWN " + std::to_string(c.health) + "/" + std::to_string(c.rise);
}

}  // namespace

std::string server_status_text(const core::Server& server) {
  if (server.in_maint()) return "MAINT";
  const bool checked = server.check.configured && server.check.enabled;
  switch (server.op) {
    case core::OpState::Running:
    case core::OpState::Starting:
      return running_text(server, checked);
    case core::OpState::Stopping:
      return with_up_count("NOLB", server.check, checked);
    case core::OpState::Stopped:
      return stopped_text(server.check, checked);
  }
  return "DOWN";
}

std::string_view check_status_name(CheckStatus status) {
  return text_of(status).name;
}

std::string check_status_field(const core::CheckInfo& check) {
  std::string field = check.in_progress ? "* " : "";
  return field.append(check_status_name(check.status));
}

std::string_view check_status_description(CheckStatus status) {
  return text_of(status).description;
}

bool check_code_shown(CheckStatus status) {
  return status == CheckStatus::L7Ok || status == CheckStatus::L7OkC ||
         status == CheckStatus::L7Sts;
}

bool check_columns_shown(const core::CheckInfo& check) {
  return check.configured && check.enabled && !check.paused;
}

}  // namespace ferry::healthcheck
