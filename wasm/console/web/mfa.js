// Two-factor sign-in, as a plain HTML page over the workspace (the canvas is
// hidden meanwhile and the keys stay in the workspace's memory): turn it on
// (a TOTP key to add to an authenticator app, confirmed with its first code,
// then ten recovery codes shown once) or off (with a code). The routes are
// /v1/me/mfa/setup, /enable and /disable (docs/http-api.md).
import { api } from "./api.js";
import { setState } from "./state.js";

const section = () => document.getElementById("mfa");
const el = (id) => document.getElementById(id);

function say(text, isError = false) {
  el("mfa-status").textContent = text;
  el("mfa-status").classList.toggle("error", isError);
}

function show(mode) {
  el("mfa-start").hidden = mode !== "off";
  el("mfa-enable").hidden = mode !== "confirm";
  el("mfa-disable").hidden = mode !== "on";
  el("mfa-about").textContent =
    mode === "on"
      ? "Two-factor sign-in is on: signing in asks for a code from your authenticator app."
      : mode === "confirm"
        ? "Almost done: confirm with a code from the app."
        : "Two-factor sign-in is off: your password alone signs you in.";
  setState({ page: "mfa", mfa: mode });
}

const refusal = (e) =>
  e.code === "mfa_code_wrong"
    ? "That code does not match; check the phone's clock and try the next one."
    : e.code === "unauthenticated"
      ? "Your session ended. Go back to the console and sign in again."
      : e.message;

let wired = false;
let backTo = () => {};
function wire() {
  if (wired) return;
  wired = true;
  el("mfa-start").addEventListener("submit", async (event) => {
    event.preventDefault();
    say("");
    try {
      const { secret, otpauth_uri: uri } = await api("POST", "/v1/me/mfa/setup", {});
      el("mfa-secret").textContent = secret.replace(/(.{4})/g, "$1 ").trim();
      el("mfa-uri").href = uri;
      el("mfa-recovery").hidden = true;
      show("confirm");
      el("mfa-enable-code").focus();
    } catch (e) {
      say(refusal(e), true);
    }
  });
  el("mfa-enable").addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = el("mfa-enable-code").value.replace(/\s+/g, "");
    if (!/^[0-9]{6}$/.test(code)) return say("Enter the six digits the app shows.", true);
    try {
      const { recovery_codes: codes } = await api("POST", "/v1/me/mfa/enable", { code });
      el("mfa-enable-code").value = "";
      el("mfa-secret").textContent = "";
      el("mfa-codes").replaceChildren(
        ...codes.map((c) => Object.assign(document.createElement("li"), { textContent: c })),
      );
      el("mfa-recovery").hidden = false;
      show("on");
      say("Two-factor sign-in is on. Save the recovery codes below now.");
      el("mfa-recovery-title").focus?.();
    } catch (e) {
      say(refusal(e), true);
    }
  });
  el("mfa-disable").addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = el("mfa-disable-code").value.trim();
    if (!code) return say("Enter a code from your app, or a recovery code.", true);
    try {
      await api("POST", "/v1/me/mfa/disable", { code });
      el("mfa-disable-code").value = "";
      el("mfa-codes").replaceChildren();
      el("mfa-recovery").hidden = true;
      show("off");
      say("Two-factor sign-in is off.");
    } catch (e) {
      say(refusal(e), true);
    }
  });
  el("mfa-back").addEventListener("click", () => {
    // Recovery codes leave the page with it.
    el("mfa-codes").replaceChildren();
    el("mfa-recovery").hidden = true;
    section().hidden = true;
    setState({ page: null, mfa: null });
    backTo();
  });
}

/** Shows the page; onBack() when the person returns to the workspace. */
export async function openMfaPage(onBack) {
  backTo = onBack;
  wire();
  section().hidden = false;
  say("");
  el("mfa-title").focus();
  try {
    const me = await api("GET", "/v1/me");
    show(me.mfa ? "on" : "off");
  } catch (e) {
    say(refusal(e), true);
  }
}
