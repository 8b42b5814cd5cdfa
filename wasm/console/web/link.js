// The set-up link page (/console/link#TOKEN): the token is in the fragment,
// which the browser never sends. A new person chooses a password; their
// keypair is made here, its secret key wrapped with the password-derived
// key, and only the public key and the wrapped key go to the server.
import { api } from "./api.js";
import { checkKdf, loadAccount } from "./account.js";
import { setState } from "./state.js";

const about = document.getElementById("about");
const form = document.getElementById("accept");
const status = document.getElementById("status");
const token = location.hash.slice(1);

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

async function start() {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token))
    throw new Error("This link is incomplete. Open the whole link you were sent.");
  const [account, link] = await Promise.all([loadAccount(), api("GET", `/v1/links/${token}`)]);
  account.prepare().catch(() => {});
  const where = link.organisation ? ` in ${link.organisation}` : "";
  // A reset link makes new keys like a new account (the old password and
  // everything sealed to the old key are gone), and asks for the second
  // factor when the person uses one: the link alone must not undo it.
  const reset = link.kind === "reset";
  const provesPassword = link.account_exists && !reset;
  if (reset) {
    document.title = "Reset your password — Sealshot console";
    document.getElementById("title").textContent = "Choose a new password";
    form.querySelector("button").textContent = "Reset password";
    document.getElementById("code-group").hidden = false;
    form.querySelector("label[for=display-name]").hidden = true;
    form["display-name"].hidden = true;
  }
  about.textContent = reset
    ? `${link.email}: choose a new password. Your account stays; the reports of each project open again once an ` +
      "owner or admin gives you access anew."
    : provesPassword
      ? `${link.email}: enter your password to accept this invitation${where} (${link.role}).`
      : `${link.email}: choose a password to set up your account${where} (${link.role}).`;
  form.email.value = link.email;
  document.getElementById("repeat-group").hidden = provesPassword;
  document.getElementById("password-help").hidden = provesPassword;
  if (provesPassword) form.password.autocomplete = "current-password";
  form.hidden = false;
  setState({ state: "ready", email: link.email });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    accept(account, link, provesPassword);
  });
}

async function accept(account, link, provesPassword) {
  const password = form.password.value;
  const button = form.querySelector("button");
  let keys = null;
  try {
    if (!provesPassword) {
      if (password !== form["password-repeat"].value) throw new Error("The two passwords differ.");
      account.passwordCheck(password, link.email);
    }
    button.disabled = true;
    say("Making your keys…");
    setState({ state: "accepting", error: null });
    let body, publicKey;
    if (provesPassword) {
      keys = account.deriveAccountKeys(password, link.kdf.salt, checkKdf(account, link.kdf));
      body = { auth_key: keys.authKey };
    } else {
      const params = account.kdfParams.default;
      const salt = account.accountSaltGenerate();
      keys = account.deriveAccountKeys(password, salt, params);
      const pair = account.generateKeyPair();
      publicKey = pair.publicKey;
      body = {
        auth_key: keys.authKey,
        display_name: form["display-name"].value.trim(),
        kdf_salt: salt,
        kdf_opslimit: params.opslimit,
        kdf_memlimit: params.memlimit,
        public_key: pair.publicKey,
        wrapped_secret_key: account.wrapSecretKey(pair.secretKey, keys.wrapKey),
      };
      const code = form["mfa-code"].value.replace(/\s+/g, "");
      if (link.kind === "reset" && code) body.mfa_code = code;
    }
    const me = await api("POST", `/v1/links/${token}/accept`, body);
    form.hidden = true;
    const fingerprint = account.keyFingerprint(publicKey ?? me.public_key);
    document.getElementById("fingerprint").textContent = fingerprint;
    if (link.kind === "reset") {
      document.getElementById("done-title").textContent = "Your password is reset";
      document.getElementById("after-reset").hidden = false;
    }
    document.getElementById("done").hidden = false;
    about.hidden = true;
    say("");
    history.replaceState(null, "", location.pathname); // the used token leaves the address bar
    setState({ state: "accepted", fingerprint });
  } catch (e) {
    if (e.code === "mfa_required") {
      document.getElementById("code-group").hidden = false;
      form["mfa-code"].focus();
    }
    say(
      e.code === "mfa_required"
        ? "This account uses two-factor sign-in: enter the code from your app, or a recovery code."
        : e.code === "mfa_code_wrong"
          ? "That code is wrong or was used already; try the next one."
          : e.message,
      true,
    );
    setState({ state: "ready", error: e.code ?? "failed" });
    button.disabled = false;
  } finally {
    keys?.wrapKey.fill(0);
  }
}

start().catch((e) => {
  about.textContent = "";
  say(e.message, true);
  setState({ state: "failed", error: e.message });
});
