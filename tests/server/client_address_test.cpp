// Which address a request comes from (server/http/client_address.cpp).
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace sealshot::http {
namespace {

TEST(ServerClientAddress, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  ClientAddressResolver resolver({"10.0.0.1", "192.168.0.0/16"});
  EXPECT_EQ(resolver.resolve("203.0.113.9", {"198.51.100.1"}), "203.0.113.9");  // not a proxy: header ignored
  EXPECT_EQ(resolver.resolve("10.0.0.1", {"198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(resolver.resolve("10.0.0.1", {"6.6.6.6, 198.51.100.1, 192.168.3.4"}),
            "198.51.100.1");  // rightmost untrusted
  EXPECT_EQ(resolver.resolve("10.0.0.1", {"garbage\r\nX: y"}), "10.0.0.1");
  EXPECT_EQ(resolver.resolve("10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(client_group_key("2001:db8:1:2:3:4:5:6"), "2001:0db8:0001:0002::/64");
  EXPECT_EQ(client_group_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
}

}  // namespace
}  // namespace sealshot::http
