#include "http/balance_key.hpp"

#include "http/h1_fields.hpp"
#include "http/request_target.hpp"

namespace ferry::http {

namespace {

std::string_view uri_key(const conf::HashConf& conf, std::string_view target) {
  if (!conf.uri_whole) target = target.substr(0, target.find('?'));
  if (conf.uri_len > 0) target = target.substr(0, static_cast<size_t>(conf.uri_len));
  if (conf.uri_depth > 0) {
    int slashes = 0;
    for (size_t i = 0; i < target.size(); ++i)
      if (target[i] == '/' && slashes++ == conf.uri_depth) return target.substr(0, i);
  }
  return target;
}

std::optional<std::string_view> param_key(std::string_view name, std::string_view target) {
  std::optional<std::string_view> found;
  for_each_url_param(target, name, '&', [&](std::string_view value) {
    found = value;
    return true;
  });
  return found;
}

// The label before the last dot; the whole value without a dot (a dot in front is no label's
// end).
std::string_view domain_only(std::string_view host) {
  const size_t last = host.rfind('.');
  if (last == std::string_view::npos || last == 0) return host;
  const size_t before = host.rfind('.', last - 1);
  const size_t begin = before == std::string_view::npos ? 0 : before + 1;
  return host.substr(begin, last - begin);
}

}  // namespace

std::optional<std::string_view> balance_key(conf::Balance algo, const conf::HashConf& conf,
                                            const RequestHead& request) {
  switch (algo) {
    case conf::Balance::Uri:
      return uri_key(conf, request.target);
    case conf::Balance::UrlParam:
      return param_key(conf.name, request.target);
    case conf::Balance::Hdr:
      for (const Header& h : request.headers)
        if (iequals(h.name, conf.name))
          return conf.use_domain_only ? domain_only(h.value) : h.value;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace ferry::http
