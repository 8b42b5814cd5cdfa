// "Forgot your password?" on the sign-in page: asks the server to mail a
// single-use reset link (POST /v1/auth/reset). The answer is the same for
// every email (no account enumeration); a server without a mail relay says
// so, and an administrator prints the link instead (sealshot org reset-link).
import { api } from "./api.js";

export function setUpReset({ signin, onShown }) {
  const form = document.getElementById("reset");
  const status = document.getElementById("reset-status");
  const say = (text, isError = false) => {
    status.textContent = text;
    status.classList.toggle("error", isError);
  };
  document.getElementById("forgot").addEventListener("click", () => {
    signin.hidden = true;
    form.hidden = false;
    form["reset-email"].value = signin.email.value.trim();
    say("");
    document.getElementById("reset-title").focus();
    onShown?.("reset");
  });
  document.getElementById("reset-back").addEventListener("click", () => {
    form.hidden = true;
    signin.hidden = false;
    signin.email.focus();
    onShown?.("signin");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = form["reset-email"].value.trim();
    if (!email) return say("Enter the email address of your account.", true);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say("Sending…");
    try {
      const answer = await api("POST", "/v1/auth/reset", { email });
      say(answer.message ?? "If this email has an account, a reset link is on its way.");
    } catch (e) {
      say(
        e.code === "mail_not_configured"
          ? "This server cannot send mail. Ask an administrator of your organisation for a reset link " +
              "(they make one with: sealshot org reset-link)."
          : e.message,
        true,
      );
    } finally {
      button.disabled = false;
    }
  });
}
