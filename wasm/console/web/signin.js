// The sign-in page (/console/): the password is stretched here with Argon2id
// (the account wasm module); the server gets only the derived sign-in key,
// and the login answer's wrapped secret key is opened here with the other
// half of the derivation.
import { api } from "./api.js";
import { checkKdf, loadAccount } from "./account.js";
import { dropSecretKey, holdSecretKey, setState, takeSecretKey } from "./state.js";

const form = document.getElementById("signin");
const status = document.getElementById("status");
const button = form.querySelector("button");

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

let account;
try {
  account = await loadAccount();
  // Touch the memory of the next derivation while the person types.
  account.prepare().catch(() => {});
  button.disabled = false;
  say("");
  setState({ state: "ready" });
} catch (e) {
  say(`The console could not start: ${e.message}`, true);
  setState({ state: "failed", error: e.message });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) return say("Enter your email and password.", true);
  button.disabled = true;
  say("Signing in…");
  setState({ state: "signing_in", error: null });
  let keys = null;
  try {
    const { kdf } = await api("POST", "/v1/auth/prelogin", { email });
    const params = checkKdf(account, kdf);
    keys = account.deriveAccountKeys(password, kdf.salt, params);
    const me = await api("POST", "/v1/auth/login", { email, auth_key: keys.authKey });
    holdSecretKey(account.unwrapSecretKey(me.wrapped_secret_key, keys.wrapKey, me.public_key));
    form.password.value = "";
    form.hidden = true;
    const fingerprint = account.keyFingerprint(me.public_key);
    document.getElementById("who").textContent =
      `${me.display_name || me.email} — ${me.organisations.map((o) => `${o.name} (${o.role})`).join(", ") || "no organisation yet"}`;
    document.getElementById("fingerprint").textContent = fingerprint;
    document.getElementById("workspace").hidden = false;
    setState({ state: "signed_in", email: me.email, fingerprint,
      organisations: me.organisations.map((o) => ({ id: o.id, name: o.name, role: o.role })) });
    if (__WORKSPACE_JS__) {
      // The workspace (Dear ImGui) takes over; it publishes its own state.
      const { startWorkspace } = await import(`/console/${__WORKSPACE_JS__}`);
      const secret = takeSecretKey();
      dropSecretKey();
      try {
        await startWorkspace(me, secret);
      } catch (e) {
        // The page is the canvas's now: say it there, plainly.
        document.body.textContent = `The workspace could not start: ${e.message}. Reload the page to sign in again.`;
        setState({ state: "failed", error: e.message });
      }
    }
  } catch (e) {
    const text = e.code === "unauthenticated" ? "The email or password is wrong." : e.message;
    say(text, true);
    setState({ state: "ready", error: e.code ?? "failed" });
    button.disabled = false;
  } finally {
    keys?.wrapKey.fill(0);
  }
});
