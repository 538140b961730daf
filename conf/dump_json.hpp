// The parsed model as JSON, for `ferry --dump-config` and for comparing configs written in
// different formats. Every struct carries its source position as "pos": {"file", "line"[,
// "column"]}; times are integer milliseconds (null when unset); enums are the words the config
// uses ("roundrobin", "layer4", "admin", ...). A string whose bytes are not valid UTF-8 (a
// `\xff` in a tcp-check send, a Latin-1 path) is written as the object {"hex": "<every byte of
// it as two lower-case hex digits>"}, so no byte is lost and any JSON parser reads the dump;
// UTF-8 strings stay strings.
#pragma once

#include <nlohmann/json.hpp>

#include "conf/model.hpp"

namespace ferry::conf {

nlohmann::json to_json(const Config& config);

// Parts, for tests and tools.
nlohmann::json to_json(const SourcePos& pos);
nlohmann::json to_json(const Address& addr);
nlohmann::json to_json(const ProxyConf& proxy);

}  // namespace ferry::conf
