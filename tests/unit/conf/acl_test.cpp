// `acl` lines and conditions: what is parsed, and every refusal with its file:line and fix.
#include "conf/acl.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/conf/conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

// kMinimal with `lines` in the frontend (they start at line 7, after the bind).
std::string frontend_with(const std::string& lines) {
  return kTimeouts + "frontend f\n  bind 127.0.0.1:8080\n" + lines +
         "  default_backend b\nbackend b\n  server s1 /run/s1.sock\n";
}

std::string first_error(const std::string& lines) {
  const auto d = diags(frontend_with(lines));
  return d.empty() ? "" : d.front();
}

AclTerm term(std::initializer_list<std::string> words) {
  AclTerm t;
  const std::vector<std::string> w(words);
  const auto err = parse_acl_term(w, {"t.cfg", 3}, t);
  REQUIRE_MESSAGE(!err, *err);
  return t;
}

std::string term_error(std::initializer_list<std::string> words) {
  AclTerm t;
  const std::vector<std::string> w(words);
  const auto err = parse_acl_term(w, {"t.cfg", 3}, t);
  return err ? *err : "";
}

TEST_CASE("acl: lines of one name OR together in declaration order") {
  const auto r =
      load(frontend_with("  acl api path_beg /api\n"
                         "  acl api hdr(host) -i api.example.com\n"
                         "  acl local src 127.0.0.1 ::1\n"));
  CHECK(lines(r) == V{});
  const auto& acls = proxy(r, "f").acls;
  REQUIRE(acls.size() == 2);
  CHECK(acls[0].name == "api");
  CHECK(acls[0].pos.line == 7);
  REQUIRE(acls[0].terms->size() == 2);
  CHECK((*acls[0].terms)[0].fetch == AclFetch::Path);
  CHECK((*acls[0].terms)[0].match == AclMatch::Beg);
  CHECK((*acls[0].terms)[1].fetch == AclFetch::Hdr);
  CHECK((*acls[0].terms)[1].arg == "host");
  CHECK((*acls[0].terms)[1].icase);
  CHECK(acls[1].terms->front().networks.size() == 2);
}

TEST_CASE("acl: flags values and integer operators") {
  const AclTerm t = term({"hdr(X-Forwarded-For,-1)", "-m", "ip", "10.0.0.0/8"});
  CHECK(t.arg == "x-forwarded-for");
  CHECK(t.occurrence == -1);
  CHECK(t.match == AclMatch::Ip);
  const AclTerm dash = term({"path", "-i", "--", "-weird"});
  CHECK(dash.strings == V{"-weird"});
  CHECK(dash.icase);
  const AclTerm ints = term({"dst_port", "80", "8000:8080", "gt", "9000", ":10"});
  REQUIRE(ints.ints.size() == 4);
  CHECK(ints.ints[0].min == 80);
  CHECK(ints.ints[0].max == 80);
  CHECK(ints.ints[1].min == 8000);
  CHECK(ints.ints[1].max == 8080);
  CHECK(ints.ints[2].min == 9001);
  CHECK(ints.ints[3].max == 10);
  CHECK(term({"url_param(id,;)", "7"}).delimiter == ';');
  CHECK(term({"nbsrv(app)", "lt", "1"}).arg == "app");
  CHECK(term({"always_true"}).match == AclMatch::Bool);
  CHECK(term({"src_port", "-1"}).ints.size() == 1);  // a negative number is a value
}

TEST_CASE("acl: -f reads one value a line") {
  ferry::test::TempDir dir;
  const std::string file = dir.path() + "/paths.lst";
  dir.write_file("paths.lst", "# paths\n/api\n\n  /static  \n");
  const AclTerm t = term({"path_beg", "-f", file, "/extra"});
  CHECK(t.strings == V{"/api", "/static", "/extra"});
  CHECK(term_error({"path_beg", "-f", dir.path() + "/none"})
            .starts_with("cannot read the pattern file '" + dir.path() +
                         "/none' (-f): No such file or directory"));
}

TEST_CASE("acl: criteria and flags ferry refuses name the fix") {
  CHECK(term_error({"path_bgn", "/x"}) ==
        "ACL criterion 'path_bgn' is not supported by ferry; did you mean 'path_beg'? "
        "(README.md, 'ACL criteria', lists those it supports)");
  CHECK(term_error({"req.cook(sid)", "x"})
            .starts_with("ACL criterion 'req.cook' is not supported by ferry"));
  CHECK(term_error({"req.hdr(host),lower", "x"}) ==
        "converters (',lower') are not supported by ferry in ACLs; use the '-i' flag for a "
        "case-insensitive match");
  CHECK(term_error({"path,lower", "x"}) ==
        "converters (',lower') are not supported by ferry in ACLs; use the '-i' flag for a "
        "case-insensitive match");
  CHECK(term_error({"path", "-x", "/a"}) ==
        "'-x' is not a valid ACL flag (use -i, -m, -f, -n); write '--' before a value that "
        "begins with '-'");
  CHECK(term_error({"path", "-m", "glob", "/a"}) ==
        "unknown match method 'glob' after '-m'; use found, bool, int, ip, str, beg, end, sub, "
        "dir, dom, reg or len");
  CHECK(term_error({"path", "-m"}) == "missing argument after '-m'");
  CHECK(term_error({"path", "-u", "1", "/a"}) ==
        "the ACL flag '-u' is not supported by ferry; remove it");
  CHECK(term_error({"src", "-m", "beg", "10."}) == "'-m beg' cannot compare the values of 'src'");
  CHECK(term_error({"src", "example.com"}) ==
        "'example.com': expects an IPv4 or IPv6 network, ADDR[/BITS] (10.0.0.0/8, 127.0.0.1, "
        "::1, fd00::/8) or ADDR/MASK (10.0.0.0/255.0.0.0); host names are not resolved");
  CHECK(term_error({"path_reg", "(unclosed"})
            .starts_with("invalid regular expression '(unclosed': "));
  CHECK(term_error({"dst_port", "http"}) == "'http' is not an integer or a range (N, N:M, :M, N:)");
  CHECK(term_error({"dst_port", "gt"}) == "missing value after the operator 'gt'");
  CHECK(term_error({"hdr"}) == "'hdr' needs a header name: hdr(<name>[,<occurrence>])");
  CHECK(term_error({"hdr(host,x)", "a"}) ==
        "'x' is not an occurrence number; use hdr(<name>[,<occurrence>])");
  CHECK(term_error({"path(x)", "/"}) == "'path' takes no argument");
  CHECK(term_error({"hdr(host", "a"}) == "missing ')' after the arguments of 'hdr' in 'hdr(host'");
  CHECK(term_error({"url_param", "a"}) ==
        "'url_param' needs a parameter name: url_param(<name>[,<delimiter>])");
  CHECK(term_error({"always_true", "-m", "found", "x"}) == "'-m found' takes no value (got 'x')");
}

TEST_CASE("acl: config errors carry file:line") {
  CHECK(first_error("  acl a@ path /\n") ==
        "t.cfg:7: error: frontend 'f': character '@' is not permitted in ACL name 'a@'; use "
        "letters, digits, '-', '_', '.' and ':'");
  CHECK(first_error("  acl api pth_beg /api\n")
            .starts_with("t.cfg:7: error: frontend 'f': ACL 'api': ACL criterion 'pth_beg' is not "
                         "supported by "
                         "ferry; did you mean 'path_beg'?"));
  CHECK(first_error("  acl api\n") ==
        "t.cfg:7: error: frontend 'f': missing argument for 'acl'; usage: acl <name> "
        "<criterion> [flags] [values...]");
  CHECK(first_error("  acl api path_beg\n") ==
        "t.cfg:7: warning: frontend 'f': ACL 'api': no value to compare 'path_beg' with, so it "
        "never matches; add values or '-m found'");
  CHECK(diags(kMinimal + "defaults\n  acl a path /\n") ==
        V{"t.cfg:11: error: 'acl' is not allowed in defaults section (it belongs in frontend, "
          "backend and listen sections)"});
}

std::string condition_error(const std::string& text, std::span<const Acl> acls = {}) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    const size_t e = std::min(text.find(' ', i), text.size());
    words.push_back(text.substr(i, e - i));
    i = e + 1;
  }
  Condition c;
  const auto err = parse_condition(words, {"t.cfg", 3}, acls, c);
  return err ? *err : "";
}

TEST_CASE("acl: condition syntax errors") {
  const std::vector<Acl> acls{{{}, "api", std::make_shared<std::vector<AclTerm>>()}};
  CHECK(condition_error("if api", acls) == "");
  CHECK(condition_error("if apj", acls) ==
        "no such ACL 'apj'; did you mean 'api'? (an ACL must be declared with 'acl apj ...' "
        "before the rule that uses it)");
  CHECK(condition_error("if") == "missing condition after 'if'");
  CHECK(condition_error("if api or", acls) ==
        "missing condition after 'if' (nothing after the last 'or')");
  CHECK(condition_error("if || api", acls) == "'||' needs an ACL on each side");
  CHECK(condition_error("if api !", acls) == "'!' must be followed by an ACL");
  CHECK(condition_error("if { path /a", acls) == "missing '}' to close the anonymous ACL");
  CHECK(condition_error("if { }", acls) == "empty anonymous ACL '{ }'; write a criterion inside");
  CHECK(condition_error("if } api", acls) == "'}' without a matching '{'");
  CHECK(condition_error("if { path { }", acls) == "'{' cannot be nested inside an anonymous ACL");
  CHECK(condition_error("if { pth /a }")
            .starts_with("ACL criterion 'pth' is not supported by ferry"));
  CHECK(condition_error("when api", acls) ==
        "expected 'if' or 'unless' before a condition "
        "(got 'when')");
  CHECK(condition_error("if HTTP_1.1") ==
        "the predefined ACL 'HTTP_1.1' is not supported by ferry; write the test it stands for "
        "with an 'acl' line");
  CHECK(condition_error("if TRUE !FALSE LOCALHOST METH_GET") == "");
}

TEST_CASE("acl: a condition sees acl lines added after it") {
  std::vector<Acl> acls{{{}, "api", std::make_shared<std::vector<AclTerm>>()}};
  Condition c;
  const std::vector<std::string> words{"if", "api"};
  REQUIRE_FALSE(parse_condition(words, {}, acls, c));
  acls[0].terms->push_back(term({"path", "/"}));
  CHECK(c.alternatives[0][0].terms->size() == 1);
  CHECK(c.needs_request());
  CHECK(c.first_request_term()->text == "path /");
}

TEST_CASE("use_backend: rules in order and their config errors") {
  const auto r = load(kTimeouts +
                      "frontend f\n  mode http\n  bind :8080\n  acl api path_beg /api\n"
                      "  use_backend b if api\n  use_backend c\n  default_backend b\n"
                      "backend b\n  mode http\n  server s /s.sock\n"
                      "backend c\n  mode http\n  server s /s.sock\n");
  CHECK(lines(r) == V{});
  const auto& rules = proxy(r, "f").use_backends;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].backend == "b");
  CHECK(rules[0].cond.text == "if api");
  CHECK(rules[1].cond.empty());
  const std::string fe = kTimeouts + "frontend f\n  bind :8080\n";
  const std::string be = "backend app\n  server s /s.sock\n";
  CHECK(diags(fe + "  use_backend ap\n" + be) ==
        V{"t.cfg:7: error: frontend 'f': use_backend: there is no backend or listen section "
          "named 'ap'; did you mean 'app'?"});
  CHECK(diags(fe + "  use_backend app if { path /x }\n" + be) ==
        V{"t.cfg:7: error: frontend 'f': use_backend: the condition reads the HTTP request "
          "('path /x', t.cfg:7) but the frontend is in mode tcp, which has none; use 'src', "
          "'dst', their ports, 'nbsrv' or 'mode http'"});
  CHECK(diags(fe + "  use_backend %[req.hdr(host)]\n" + be) ==
        V{"t.cfg:5: error: frontend 'f' has no 'default_backend' and no 'use_backend'; add "
          "'default_backend <backend>'",
          "t.cfg:7: error: frontend 'f': a backend name computed from a log-format expression "
          "('%[req.hdr(host)]') is not supported by ferry; write one 'use_backend <name> if "
          "<condition>' line per backend"});
  CHECK(diags(fe + "  use_backend app if nope\n" + be) ==
        V{"t.cfg:5: error: frontend 'f' has no 'default_backend' and no 'use_backend'; add "
          "'default_backend <backend>'",
          "t.cfg:7: error: frontend 'f': no such ACL 'nope' (an ACL must be declared with 'acl "
          "nope ...' before the rule that uses it)"});
  CHECK(diags(kTimeouts + "frontend f\n  mode http\n  bind :8080\n  use_backend app\n" + be) ==
        V{"t.cfg:8: error: frontend 'f' (mode http) uses backend 'app' (mode tcp, t.cfg:9) as its "
          "use_backend; give both the same 'mode'"});
  CHECK(diags(kTimeouts + "backend app\n  use_backend app\n  server s /s.sock\n") ==
        V{"t.cfg:6: error: 'use_backend' is not allowed in backend 'app' (it belongs in frontend "
          "and listen sections)"});
}

TEST_CASE("tcp-request connection: rules and refusals") {
  const std::string fe = kTimeouts + "frontend f\n  bind :8080\n";
  const std::string be = "  default_backend app\nbackend app\n  server s /s.sock\n";
  const auto r = load(fe + "  tcp-request connection accept if { src 10.0.0.0/8 }\n" +
                      "  tcp-request connection reject\n" + be);
  CHECK(lines(r) == V{});
  const auto& rules = proxy(r, "f").tcp_connection_rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].accept);
  CHECK_FALSE(rules[1].accept);
  CHECK(rules[1].cond.empty());
  CHECK(diags(fe + "  tcp-request connection reject if { hdr(host) x }\n" + be) ==
        V{"t.cfg:7: error: frontend 'f': 'tcp-request connection' runs before any HTTP request "
          "is read, but its condition reads one ('hdr(host) x'); use 'src', 'dst', their ports "
          "or 'nbsrv'"});
  CHECK(diags(fe + "  tcp-request content reject\n" + be) ==
        V{"t.cfg:7: error: frontend 'f': 'tcp-request content' is not supported by ferry; use "
          "'tcp-request connection accept|reject [if|unless <condition>]'"});
  CHECK(diags(fe + "  tcp-request connection track-sc0 src\n" + be) ==
        V{"t.cfg:7: error: frontend 'f': the action 'tcp-request connection track-sc0' is not "
          "supported by ferry; use 'tcp-request connection accept|reject [if|unless "
          "<condition>]'"});
}

}  // namespace
}  // namespace ferry::conf::test
