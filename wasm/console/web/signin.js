// The sign-in page (/console/): the password is stretched here with Argon2id
// (the account wasm module); the server gets only the derived sign-in key,
// and the login answer's wrapped secret key is opened here with the other
// half of the derivation.
import { api } from "./api.js";
import { checkKdf, loadAccount } from "./account.js";
import { openMfaPage } from "./mfa.js";
import { setUpReset } from "./reset.js";
import { dropSecretKey, holdSecretKey, setState, takeSecretKey } from "./state.js";

const form = document.getElementById("signin");
const status = document.getElementById("status");
const button = form.querySelector("button[type=submit]");
const codeGroup = document.getElementById("code-group");
setUpReset({ signin: form, onShown: (page) => setState({ page }) });

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

let account;
// Set when the workspace hands the page back: why, and the view to restore.
let left = null;

// The workspace left (its module is already torn down and zeroed): the
// sign-in form again. After an expired session the view is kept, so signing
// in again returns to the same organisation, project, report and filters.
async function back(reason, viewText, personId) {
  document.querySelector("main").hidden = false;
  document.getElementById("workspace").hidden = true;
  document.getElementById("mfa").hidden = true;
  form.hidden = false;
  form["mfa-code"].value = "";
  button.disabled = false;
  if (reason === "signed_out") {
    left = null;
    // Ends the session on the server too (the cookie is HttpOnly: only the server can clear it).
    await api("POST", "/v1/auth/logout", {}).catch(() => {});
    say("Signed out. Your keys and the reports you opened were wiped from this page.");
  } else {
    left = { person: personId, view: viewText };
    say(
      "Your session ended (it expired, or you were signed out elsewhere). Sign in again to carry on where you " +
        "were; your keys were wiped from this page meanwhile.",
      true,
    );
  }
  setState({ state: "ready", left: reason, error: null, email: null, fingerprint: null, organisations: [] });
  form.password.focus();
}

// An HTML page over the workspace (the canvas hidden, the keys still in its
// memory): `back` shows the canvas again.
function showPage(name, backToWorkspace) {
  if (name !== "mfa") return backToWorkspace();
  const main = document.querySelector("main");
  main.hidden = false;
  form.hidden = true;
  document.getElementById("reset").hidden = true;
  document.getElementById("workspace").hidden = true;
  openMfaPage(() => {
    main.hidden = true;
    backToWorkspace();
  });
}

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
    const code = codeGroup.hidden ? "" : form["mfa-code"].value.replace(/\s+/g, "");
    const me = await api("POST", "/v1/auth/login", {
      email,
      auth_key: keys.authKey,
      ...(code ? { mfa_code: code } : {}),
    });
    form["mfa-code"].value = "";
    holdSecretKey(account.unwrapSecretKeyBytes(me.wrapped_secret_key, keys.wrapKey, me.public_key));
    form.password.value = "";
    form.hidden = true;
    const fingerprint = account.keyFingerprint(me.public_key);
    document.getElementById("who").textContent =
      `${me.display_name || me.email} — ${me.organisations.map((o) => `${o.name} (${o.role})`).join(", ") || "no organisation yet"}`;
    document.getElementById("fingerprint").textContent = fingerprint;
    document.getElementById("workspace").hidden = false;
    setState({
      state: "signed_in",
      email: me.email,
      fingerprint,
      organisations: me.organisations.map((o) => ({ id: o.id, name: o.name, role: o.role })),
    });
    if (__WORKSPACE_JS__) {
      // The workspace (Dear ImGui) takes over; it publishes its own state.
      const { startWorkspace } = await import(`/console/${__WORKSPACE_JS__}`);
      const secret = takeSecretKey(); // startWorkspace zeroes it
      // Where the person was when their session ended: only for the same person.
      const view = left && left.person === me.id ? left.view : "";
      left = null;
      try {
        await startWorkspace(me, secret, {
          view,
          onLeave: (reason, viewText) => back(reason, viewText, me.id),
          onPage: showPage,
        });
      } catch (e) {
        // The page is the canvas's now: say it there, plainly.
        document.body.textContent = `The workspace could not start: ${e.message}. Reload the page to sign in again.`;
        setState({ state: "failed", error: e.message });
      } finally {
        secret.fill(0); // already zeroed once in the module's memory; also if it never got there
      }
    }
  } catch (e) {
    if (e.code === "mfa_required") {
      // The password was right; the server asks for the second factor.
      codeGroup.hidden = false;
      form["mfa-code"].focus();
    }
    const text =
      e.code === "unauthenticated"
        ? "The email or password is wrong."
        : e.code === "mfa_required"
          ? "Enter the code from your authenticator app (or a recovery code), then sign in."
          : e.code === "mfa_code_wrong"
            ? "That code is wrong or was used already; try the next one."
            : e.message;
    say(text, true);
    setState({ state: "ready", error: e.code ?? "failed" });
    button.disabled = false;
  } finally {
    keys?.wrapKey.fill(0);
  }
});
