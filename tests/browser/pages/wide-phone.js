// ?dir=rtl turns the page into an RTL page before it is laid out.
if (new URLSearchParams(location.search).get("dir") === "rtl") {
  document.documentElement.dir = "rtl";
  document.documentElement.lang = "ar";
}
