// Answers can arrive after the object that asked is gone (a project switched,
// a report closed, a sign-out): an object holds a Lifetime as its LAST member
// (destroyed first) and wraps its callbacks with guard(), which drops the
// call once the object is destroyed or reset() was called.
#pragma once

#include <memory>
#include <utility>

namespace sealshot::console {

class Lifetime {
 public:
  template <typename F>
  auto guard(F f) const {
    return [alive = std::weak_ptr<const char>(token_), f = std::move(f)](auto&&... args) mutable {
      if (alive.lock()) f(std::forward<decltype(args)>(args)...);
    };
  }
  // Every callback guarded so far is dropped (requests of an old generation).
  void reset() { token_ = std::make_shared<const char>(0); }

 private:
  std::shared_ptr<const char> token_ = std::make_shared<const char>(0);
};

}  // namespace sealshot::console
