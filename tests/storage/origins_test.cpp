// Origin normalisation (server/storage/origins.cpp).
#include <gtest/gtest.h>

#include "storage_fixture.h"

namespace sealshot::server {
namespace {

TEST(Origins, NormaliseCaseAndDefaultPortAndRefuseEverythingElse) {
  EXPECT_EQ(origin_normalize("https://Shop.Example").value(), "https://shop.example");
  EXPECT_EQ(origin_normalize("HTTPS://shop.example:443").value(), "https://shop.example");
  EXPECT_EQ(origin_normalize("http://localhost:8080").value(), "http://localhost:8080");
  EXPECT_EQ(origin_normalize("http://[::1]:3000").value(), "http://[::1]:3000");
  EXPECT_EQ(origin_normalize("http://192.168.1.10").value(), "http://192.168.1.10");
  for (const char* bad :
       {"shop.example", "ftp://shop.example", "https://shop.example/", "https://shop.example/x",
        "https://shop.example?q", "https://user@shop.example", "https://shop.example:0", "https://shop.example:99999",
        "https://", "https://-shop.example", "https://sh op.example", "https://*.example", "null"}) {
    Result<std::string> r = origin_normalize(bad);
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument) << bad;
  }
  EXPECT_NE(origin_normalize("https://shop.example/").message().find("must not end with a slash"), std::string::npos);
  EXPECT_NE(origin_normalize("https://shop.example/x").message().find("must not have a path"), std::string::npos);
  EXPECT_EQ(origins_normalize({"https://a.example", "https://A.example:443"}).value().size(), 1u);
  EXPECT_EQ(origins_normalize({}).code(), ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace sealshot::server
