// load_files / load_string: reads the files (a directory stands for its config files, sorted),
// sends each through the front end its extension picks, then validates the merged model.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <tuple>

#include "conf/haproxy_parser.hpp"
#include "conf/validate.hpp"
#include "conf/yaml_loader.hpp"

namespace ferry::conf {

namespace {

namespace fs = std::filesystem;

bool is_yaml(const std::string& path) {
  return path.ends_with(".yaml") || path.ends_with(".yml");
}
bool is_config(const std::string& path) {
  return path.ends_with(".cfg") || is_yaml(path);
}

void error(std::vector<Diagnostic>& diags, const std::string& file, std::string message) {
  diags.push_back({Diagnostic::Severity::Error, {file, 0, 0}, std::move(message)});
}

bool read_file(const std::string& path, std::string& out, std::vector<Diagnostic>& diags) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return error(diags, path, "cannot open config file: " + std::string(strerror(errno))), false;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    out.append(buf, n);
  const bool failed = std::ferror(f);
  const int err = errno;
  std::fclose(f);
  if (failed) error(diags, path, "cannot read config file: " + std::string(strerror(err)));
  return !failed;
}

// The files a directory stands for: its regular *.cfg, *.yaml and *.yml, sorted by name.
std::vector<std::string> directory_files(const std::string& dir, std::vector<Diagnostic>& diags) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with('.') || !is_config(name) || !it->is_regular_file(ec)) continue;
    out.push_back(it->path().string());
  }
  if (ec) error(diags, dir, "cannot list config directory: " + ec.message());
  if (!ec && out.empty()) {
    Diagnostic d;  // built field by field: GCC 12 -O2 misreads the aggregate form as uninitialized
    d.severity = Diagnostic::Severity::Warning;
    d.pos.file = dir;
    d.message = "config directory has no *.cfg, *.yaml or *.yml file";
    diags.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void load_text(ParseContext& ctx, const std::string& name, const std::string& text) {
  if (is_yaml(name)) return load_yaml(ctx, name, text);
  parse_haproxy(ctx, name, text);
}

// Diagnostics in file order (as loaded), then line and column; validation's messages join
// their file's parse messages.
void sort_diagnostics(std::vector<Diagnostic>& diags, const std::vector<std::string>& files) {
  std::map<std::string, size_t> order;
  for (const auto& f : files)
    order.emplace(f, order.size());
  auto key = [&](const Diagnostic& d) {
    const auto it = order.find(d.pos.file);
    const long index = d.pos.file.empty() ? -1 : it == order.end() ? LONG_MAX : long(it->second);
    return std::tuple(index, d.pos.line, d.pos.column);
  };
  std::stable_sort(diags.begin(), diags.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

LoadResult finish(LoadResult result, const std::vector<std::string>& files) {
  validate(result.config, result.diagnostics);
  sort_diagnostics(result.diagnostics, files);
  return result;
}

}  // namespace

LoadResult load_files(const std::vector<std::string>& paths) {
  LoadResult result;
  ParseContext ctx(result.config, result.diagnostics);
  std::vector<std::string> files;
  if (paths.empty()) error(result.diagnostics, "", "no configuration file given; use -f <file>");
  for (const auto& path : paths) {
    std::error_code ec;
    const bool dir = fs::is_directory(path, ec);
    const auto list = dir ? directory_files(path, result.diagnostics) : std::vector{path};
    files.insert(files.end(), list.begin(), list.end());
  }
  for (const auto& file : files) {
    std::string text;
    if (read_file(file, text, result.diagnostics)) load_text(ctx, file, text);
  }
  return finish(std::move(result), files);
}

LoadResult load_string(const std::string& virtual_name, const std::string& text) {
  LoadResult result;
  ParseContext ctx(result.config, result.diagnostics);
  load_text(ctx, virtual_name, text);
  return finish(std::move(result), {virtual_name});
}

}  // namespace ferry::conf
