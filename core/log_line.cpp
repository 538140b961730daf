#include "core/log_line.hpp"

#include <cstdio>
#include <ctime>

namespace ferry::core {

namespace {

struct Header {
  const LineSpec& spec;
  const timespec& now;
};

std::string pri(const Header& h) {
  return "<" + std::to_string(h.spec.facility * 8 + static_cast<int>(h.spec.severity)) + ">";
}

std::string sev(const Header& h) {
  return "<" + std::to_string(static_cast<int>(h.spec.severity)) + ">";
}

struct tm local_time(const timespec& now) {
  struct tm tm {};
  ::localtime_r(&now.tv_sec, &tm);
  return tm;
}

// "Dec  2 18:23:15"
std::string bsd_time(const Header& h) {
  const struct tm tm = local_time(h.now);
  char out[32];
  ::strftime(out, sizeof(out), "%b %e %H:%M:%S", &tm);
  return out;
}

// "2026-12-02T18:23:15.225528+00:00"
std::string iso_time(const Header& h) {
  const struct tm tm = local_time(h.now);
  char date[32];
  ::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
  const long off = tm.tm_gmtoff / 60;  // minutes east of UTC, within a day
  const int abs_off = static_cast<int>((off < 0 ? -off : off) % (24 * 60));
  char frac[16];
  std::snprintf(frac, sizeof(frac), ".%06d%c%02d:%02d",
                static_cast<int>(h.now.tv_nsec / 1000 % 1000000), off < 0 ? '-' : '+', abs_off / 60,
                abs_off % 60);
  return std::string(date) + frac;
}

std::string tag_pid(const Header& h) {
  return std::string(h.spec.tag) + "[" + std::to_string(h.spec.pid) + "]: ";
}

std::string local(const Header& h) {
  return pri(h) + bsd_time(h) + " " + tag_pid(h);
}
std::string rfc3164(const Header& h) {
  return pri(h) + bsd_time(h) + " localhost " + tag_pid(h);
}
std::string rfc5424(const Header& h) {
  return pri(h) + "1 " + iso_time(h) + " - " + std::string(h.spec.tag) + " " +
         std::to_string(h.spec.pid) + " - - ";
}
std::string timed(const Header& h) {
  return sev(h) + iso_time(h) + " ";
}
std::string iso(const Header& h) {
  return iso_time(h) + " ";
}
std::string raw(const Header&) {
  return "";
}

// Indexed by LogFormat.
constexpr std::string (*kHeaders[])(const Header&) = {local, rfc3164, rfc5424, pri,
                                                      sev,   timed,   iso,     raw};

}  // namespace

std::string log_line(const LineSpec& spec, const timespec& now, std::string_view text) {
  std::string line = kHeaders[static_cast<size_t>(spec.format)](Header{spec, now});
  line += text.substr(0, spec.longest_len - 1);
  const size_t max = spec.datagram ? spec.max_len : spec.max_len - 1;
  if (line.size() > max) line.resize(max);
  line += '\n';
  return line;
}

}  // namespace ferry::core
