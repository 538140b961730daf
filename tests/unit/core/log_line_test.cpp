// The bytes of a log line in each format, against what HAProxy 2.6.12 sent for the same tcplog
// line (captured from its UDP and UNIX datagram targets and from stdout; only the time below was
// fixed). Local time is UTC here, as on the machine the capture was made.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "core/log_line.hpp"

using namespace ferry::core;

namespace {

const std::string kText =
    "127.0.0.1:54424 [02/Dec/2026:18:23:15.221] fe fe/s1 1/0/3 0 -- 1/1/0/0/0 0/0";

// 2026-12-02T18:23:15.225528Z
timespec when() {
  return timespec{1796235795, 225528000};
}

std::string line(LogFormat format, size_t len = 1024, bool datagram = true,
                 const std::string& text = kText, size_t longest = 1024) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  LineSpec spec;
  spec.format = format;
  spec.facility = 19;  // local3
  spec.severity = Severity::Info;
  spec.tag = "haproxy";
  spec.pid = 16710;
  spec.max_len = len;
  spec.datagram = datagram;
  spec.longest_len = longest;
  return log_line(spec, when(), text);
}

}  // namespace

TEST_CASE("each format's header is HAProxy 2.6's, byte for byte") {
  const std::string t = kText + "\n";
  CHECK(line(LogFormat::Local) == "<158>Dec  2 18:23:15 haproxy[16710]: " + t);
  CHECK(line(LogFormat::Rfc3164) == "<158>Dec  2 18:23:15 localhost haproxy[16710]: " + t);
  CHECK(line(LogFormat::Rfc5424) ==
        "<158>1 2026-12-02T18:23:15.225528+00:00 - haproxy 16710 - - " + t);
  CHECK(line(LogFormat::Priority) == "<158>" + t);
  CHECK(line(LogFormat::Short) == "<6>" + t);
  CHECK(line(LogFormat::Timed) == "<6>2026-12-02T18:23:15.225528+00:00 " + t);
  CHECK(line(LogFormat::Iso) == "2026-12-02T18:23:15.225528+00:00 " + t);
  CHECK(line(LogFormat::Raw) == t);
}

TEST_CASE("the offset of local time is written as +hh:mm / -hh:mm") {
  ::setenv("TZ", "EST5", 1);
  ::tzset();
  LineSpec spec;
  spec.format = LogFormat::Iso;
  CHECK(log_line(spec, when(), "x") == "2026-12-02T13:23:15.225528-05:00 x\n");
  ::setenv("TZ", "UTC", 1);
  ::tzset();
}

// `len 80`, as HAProxy 2.6 cut these lines (observed): a datagram keeps 80 bytes before its '\n',
// a stream 79; and the text alone is cut first to one byte less than the longest `len` of all
// the targets (80 when every target has `len 80`, as in the capture).
TEST_CASE("len cuts the line as HAProxy does: datagrams keep one byte more than streams") {
  const std::string name(100, 'f');
  const std::string text = "127.0.0.1:44636 [02/Dec/2026:18:25:06.661] " + name + " " + name +
                           "/s1 1/0/3 0 -- 1/1/0/0/0 0/0";
  const std::string local = line(LogFormat::Local, 80, true, text, 80);
  CHECK(local ==
        "<158>Dec  2 18:23:15 haproxy[16710]: 127.0.0.1:44636 [02/Dec/2026:18:25:06.661] \n");
  CHECK(local.size() == 81);
  CHECK(line(LogFormat::Priority, 80, true, text, 80) == "<158>" + text.substr(0, 75) + "\n");
  CHECK(line(LogFormat::Short, 80, true, text, 80) == "<6>" + text.substr(0, 77) + "\n");
  CHECK(line(LogFormat::Raw, 80, true, text, 80) == text.substr(0, 79) + "\n");
  CHECK(line(LogFormat::Raw, 80, false, text, 80) == text.substr(0, 79) + "\n");
  CHECK(line(LogFormat::Short, 80, false, text, 80) == "<6>" + text.substr(0, 76) + "\n");
  CHECK(line(LogFormat::Local, 80, false, text, 80).size() == 80);
  // Next to a target without `len` (1024), the raw datagram keeps 80 bytes too.
  CHECK(line(LogFormat::Raw, 80, true, text, 1024) == text.substr(0, 80) + "\n");
  CHECK(line(LogFormat::Raw, 1024, true, std::string(2000, 'x')) == std::string(1023, 'x') + "\n");
}

TEST_CASE("PRI is facility * 8 + severity, short and timed carry the severity alone") {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  LineSpec spec;
  spec.format = LogFormat::Priority;
  spec.facility = 3;  // daemon
  spec.severity = Severity::Alert;
  CHECK(log_line(spec, when(), "down") == "<25>down\n");
  spec.format = LogFormat::Short;
  CHECK(log_line(spec, when(), "down") == "<1>down\n");
}
