#include "conf/tokenizer.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

namespace ferry::conf {
namespace {

using Words = std::vector<std::string>;

std::vector<Words> words_of(const std::string& text, std::vector<Diagnostic>* out = nullptr) {
  std::vector<Diagnostic> diags;
  std::vector<Words> result;
  for (auto& st : tokenize(text, "t.cfg", diags))
    result.push_back(st.words);
  if (out) *out = diags;
  return result;
}

TEST_CASE("tokenizer: words split on blanks, comments dropped") {
  CHECK(words_of("  server s1\t/run/a.sock   # the first\n") ==
        std::vector<Words>{{"server", "s1", "/run/a.sock"}});
  CHECK(words_of("global#comment\n\n   \n# only a comment\ndaemon#x\n") ==
        std::vector<Words>{{"global"}, {"daemon"}});
}

TEST_CASE("tokenizer: statement positions are the first line of each statement") {
  std::vector<Diagnostic> diags;
  const auto sts = tokenize("global\n\n  daemon \\\n  x\nmaxconn 1\n", "f.cfg", diags);
  REQUIRE(sts.size() == 3);
  CHECK(sts[0].pos.line == 1);
  CHECK(sts[1].pos.line == 3);
  CHECK(sts[1].words == Words{"daemon", "x"});
  CHECK(sts[2].pos.line == 5);
  CHECK(sts[2].pos.file == "f.cfg");
}

TEST_CASE("tokenizer: double quotes keep blanks, hashes and single quotes") {
  CHECK(words_of(R"(a "b c # d 'e'" f)") == std::vector<Words>{{"a", "b c # d 'e'", "f"}});
  CHECK(words_of(R"(a "" b)") == std::vector<Words>{{"a", "", "b"}});
  CHECK(words_of(R"(a "x"'y'z)") == std::vector<Words>{{"a", "xyz"}});
}

TEST_CASE("tokenizer: single quotes keep everything as written") {
  CHECK(words_of(R"(a '\n $HOME "x" #y')") == std::vector<Words>{{"a", R"(\n $HOME "x" #y)"}});
}

TEST_CASE("tokenizer: backslash escapes") {
  CHECK(words_of(R"(a\ b \#c \\ \' \" \$x)") ==
        std::vector<Words>{{"a b", "#c", "\\", "'", "\"", "$x"}});
  CHECK(words_of(R"(send PING\r\n "\t" \x41\x0a)") ==
        std::vector<Words>{{"send", "PING\r\n", "\t", "A\n"}});
  // Other backslashes stay, as HAProxy keeps them: regexes and \1 references need them.
  CHECK(words_of(R"(^/a\.b \1x)") == std::vector<Words>{{"^/a\\.b", "\\1x"}});
}

TEST_CASE("tokenizer: a bad \\x escape is an error and drops the statement") {
  std::vector<Diagnostic> diags;
  CHECK(words_of("a \\xZ1\nb\n", &diags) == std::vector<Words>{{"b"}});
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() ==
        "t.cfg:1: error: invalid '\\x' escape: it needs two hexadecimal digits, as in '\\x0a'");
}

TEST_CASE("tokenizer: a trailing backslash continues the line") {
  CHECK(words_of("server s1 /a.sock \\\n   check \\\n inter 2s\nnext\n") ==
        std::vector<Words>{{"server", "s1", "/a.sock", "check", "inter", "2s"}, {"next"}});
  CHECK(words_of("a\\\r\nb\r\nc\r\n") == std::vector<Words>{{"ab"}, {"c"}});
}

TEST_CASE("tokenizer: unterminated quotes are errors naming the line") {
  std::vector<Diagnostic> diags;
  CHECK(words_of("ok\nbind \"/run/a.sock\nnext\n", &diags) == std::vector<Words>{{"ok"}, {"next"}});
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() ==
        "t.cfg:2: error: unterminated double quote; close it with '\"' on the same line");
  words_of("x 'abc\n", &diags);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() ==
        "t.cfg:1: error: unterminated single quote; close it with \"'\" on the same line");
}

TEST_CASE("tokenizer: environment variables") {
  setenv("FERRY_T_SOCK", "/run/app.sock", 1);
  setenv("FERRY_T_LIST", " a  b c ", 1);
  setenv("FERRY_T_EMPTY", "", 1);
  unsetenv("FERRY_T_UNSET");
  CHECK(words_of(R"(x "${FERRY_T_SOCK}" "$FERRY_T_SOCK/y" "pre-${FERRY_T_SOCK}")") ==
        std::vector<Words>{{"x", "/run/app.sock", "/run/app.sock/y", "pre-/run/app.sock"}});
  CHECK(words_of("x ${FERRY_T_SOCK} $FERRY_T_SOCK") ==
        std::vector<Words>{{"x", "/run/app.sock", "/run/app.sock"}});
  CHECK(words_of(R"(x "${FERRY_T_UNSET-127.0.0.1}:514" "${FERRY_T_EMPTY-dflt}")") ==
        std::vector<Words>{{"x", "127.0.0.1:514", ""}});
  CHECK(words_of(R"(x "${FERRY_T_LIST[*]}" y)") == std::vector<Words>{{"x", "a", "b", "c", "y"}});
  CHECK(words_of(R"(x "\$HOME" '$HOME' $ a$ "$1")") ==
        std::vector<Words>{{"x", "$HOME", "$HOME", "$", "a$", "$1"}});
  CHECK(words_of("x ${.LINE}\n${.FILE}") == std::vector<Words>{{"x", "1"}, {"t.cfg"}});
}

TEST_CASE("tokenizer: an unset variable expands to nothing, with a warning") {
  unsetenv("FERRY_T_UNSET");
  std::vector<Diagnostic> diags;
  CHECK(words_of("\nx $FERRY_T_UNSET \"${FERRY_T_UNSET}\"\n", &diags) ==
        std::vector<Words>{{"x", ""}});
  REQUIRE(diags.size() == 2);
  CHECK(diags[0].to_string() ==
        "t.cfg:2: warning: environment variable 'FERRY_T_UNSET' is not set; it expands to an "
        "empty string");
}

TEST_CASE("tokenizer: malformed ${...} references are errors") {
  std::vector<Diagnostic> diags;
  words_of("x ${FOO\n", &diags);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() ==
        "t.cfg:1: error: unterminated '${' in an environment variable reference; close it with "
        "'}'");
  words_of("x ${1A}\n", &diags);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() ==
        "t.cfg:1: error: invalid environment variable name '1A' in '${...}'");
}

}  // namespace
}  // namespace ferry::conf
