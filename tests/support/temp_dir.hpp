// A private directory under /tmp for one test: config files, UNIX sockets, logs. Paths stay short
// (UNIX socket paths must fit in sun_path). Removed with everything in it by the destructor.
#pragma once

#include <string>

namespace ferry::test {

class TempDir {
 public:
  TempDir();  // throws std::runtime_error if mkdtemp fails
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name` (nothing is created).
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to `path()/name` (replacing it) and returns the full path.
  std::string write_file(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// The whole content of a file, or "" if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace ferry::test
