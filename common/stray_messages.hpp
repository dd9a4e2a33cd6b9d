#pragma once
// What an actor does with a message no handler takes, or an error nobody
// asked for (issue 17: "a Byzantine member is assumed"). CAF's defaults
// answer the first with an `unexpected_message` error to the sender and quit
// on the second: so a peer that does not understand one message (an older
// build, or a hostile one) answered with an error, and the actor that sent it
// quit; restarted, it sent it again and quit again until its supervisor
// escalated and halted the node (seen: cluster4_byzantine_test, the kill
// coordinator's audit anchors sent to a test double without that handler).
//
// Here both are dropped, counted and logged once per kind: a stray message
// changes nothing. Errors a request asked for still reach its own error
// handler; only unsolicited ones get here.
//
//   stray_messages strays{"kill_coordinator"};          // in the actor's state
//   strays.install(self);                              // first thing in the behavior
//   stats: strays.add_stats(counters) -> stray.unexpected_messages, stray.unsolicited_errors

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <spdlog/spdlog.h>

#include "caf/delegated.hpp"
#include "caf/message_view.hpp"
#include "caf/scheduled_actor.hpp"

namespace cwts {

class stray_messages {
public:
  explicit stray_messages(std::string actor = {}) : counts_(std::make_shared<counts>()) {
    counts_->actor = std::move(actor);
  }

  // Replaces CAF's default and error handlers of `self`. The handlers hold
  // the counters by shared pointer, so they outlive a moved state.
  void install(caf::scheduled_actor* self) const {
    auto c = counts_;
    self->set_default_handler([c](caf::scheduled_actor* s, caf::message_view& x)
                                -> caf::result<caf::message> {
      ++c->unexpected;
      auto what = x.content().stringify();
      auto kind = what.substr(0, what.find_first_of(",( "));
      if (c->logged.size() < 32 && c->logged.insert(kind).second)
        spdlog::warn("event=stray_message actor={} kind=unexpected from_node={} message=\"{}\" "
                     "action=dropped",
                     c->actor, s->current_sender() ? to_string(s->current_sender()->node()) : "-",
                     what.substr(0, 200));
      // Delegated: nothing goes back. An error answer would make a peer
      // that drops ours too quit; an empty answer could bounce for ever.
      return caf::delegated<caf::message>{};
    });
    self->set_error_handler([c](caf::scheduled_actor* s, caf::error& err) {
      ++c->errors;
      auto what = s->system().render(err);
      if (c->logged.size() < 32 && c->logged.insert("error:" + what).second)
        spdlog::warn("event=stray_message actor={} kind=unsolicited_error error=\"{}\" "
                     "action=dropped",
                     c->actor, what);
    });
  }

  void add_stats(std::map<std::string, int64_t>& counters) const {
    counters["stray.unexpected_messages"] = counts_->unexpected;
    counters["stray.unsolicited_errors"] = counts_->errors;
  }

private:
  struct counts {
    std::string actor;
    int64_t unexpected = 0;
    int64_t errors = 0;
    std::set<std::string> logged;
  };
  std::shared_ptr<counts> counts_;
};

} // namespace cwts
