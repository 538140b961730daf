#include "core/backend.hpp"

#include "core/engine.hpp"
#include "core/session.hpp"

namespace ferry::core {

Backend::Backend(Engine& e, std::string n, int i, BackendSettings s)
    : engine(e), name(std::move(n)), id(i), settings(std::move(s)), last_change(e.loop.now()) {}

Backend::~Backend() = default;

Server* Backend::find_server(std::string_view server_name) const {
  for (const auto& s : servers)
    if (s->name == server_name) return s.get();
  return nullptr;
}

size_t Backend::usable_active() const {
  size_t n = 0;
  for (const auto& s : servers)
    n += (!s->backup && s->usable()) ? 1 : 0;
  return n;
}

size_t Backend::usable_backup() const {
  size_t n = 0;
  for (const auto& s : servers)
    n += (s->backup && s->usable()) ? 1 : 0;
  return n;
}

bool Backend::up() const {
  return servers.empty() || usable_active() + usable_backup() > 0;
}

void Backend::server_changed(Server& server) {
  if (lb) lb->updated(server);
  update_up_down();
  process_queue();
}

void Backend::update_up_down() {
  const bool now_up = up();
  if (now_up == was_up_) return;
  was_up_ = now_up;
  const Millis now = engine.loop.now();
  last_change = now;
  if (!now_up) {
    ++counters.chkdown;
    down_since = now;
    // As HAProxy 2.6: an alert on stderr, an emergency (without quotes) to the log targets.
    const std::string kind = settings.listen_section ? "proxy" : "backend";
    engine.log.console(Severity::Alert, kind + " '" + name + "' has no server available!");
    engine.log.send(Severity::Emerg, kind + " " + name + " has no server available!",
                    settings.log_tag);
  } else if (down_since.count() >= 0) {
    downtime += now - down_since;
    down_since = Millis(-1);
  }
}

void Backend::process_queue() {
  // A dequeued session connects later, on its own thread (Session::dequeued): nothing here
  // calls back into the queue.
  if (engine.tearing_down()) return;
  while (!queue.empty() && lb) {
    Session* next = queue.front();
    const PickResult r = lb->pick(PickRequest{&next->peer(), {}, next->hash_key()});
    if (!r.server) break;
    queue.remove(*next);
    ++dequeues;
    next->dequeued(*r.server);
  }
}

}  // namespace ferry::core
